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
    c = c / (1.0 + max(c - 1.0, 0.0) * 0.35);   // soft shoulder above 1, identity below
    f_color = vec4(clamp(c, 0.0, 1.0), 1.0);
}
