#version 330 core
// Bloom, step 3: the scene plus its blurred highlights, tone-mapped to the screen.
in vec2 v_uv;
out vec4 f_color;
uniform sampler2D u_scene;
uniform sampler2D u_glow0;
uniform sampler2D u_glow1;
uniform sampler2D u_glow2;
uniform float u_strength;   // 0 = no glow
void main() {
    vec3 c = texture(u_scene, v_uv).rgb;
    vec3 glow = texture(u_glow0, v_uv).rgb * 0.5 + texture(u_glow1, v_uv).rgb * 0.8
              + texture(u_glow2, v_uv).rgb * 1.1;
    c += glow * u_strength;
    // Tone map by the brightest channel, scaling all three alike: a strong red line stays red
    // instead of clipping to white, and a blue one to cyan (a per-channel shoulder shifts the hue).
    // Identity below 0.8, then a soft shoulder towards 1.
    float peak = max(c.r, max(c.g, c.b));
    if (peak > 0.8) {
        float mapped = 0.8 + 0.2 * (1.0 - exp(-(peak - 0.8) / 0.2));
        // the very brightest spots (neuron cores, the hovered line) still whiten a little, as light does
        c = mix(c * (mapped / peak), vec3(mapped), clamp((peak - 2.0) * 0.25, 0.0, 0.5));
    }
    f_color = vec4(clamp(c, 0.0, 1.0), 1.0);
}
