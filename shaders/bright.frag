#version 330 core
// Bloom, step 1: keep what is brighter than the threshold (soft knee), at reduced size.
in vec2 v_uv;
out vec4 f_color;
uniform sampler2D u_scene;
uniform float u_threshold;
void main() {
    vec3 c = texture(u_scene, v_uv).rgb;
    float brightness = max(c.r, max(c.g, c.b));
    float knee = 0.5;
    float soft = clamp(brightness - u_threshold + knee, 0.0, 2.0 * knee);
    soft = soft * soft / (4.0 * knee + 1e-4);
    float contribution = max(soft, brightness - u_threshold) / max(brightness, 1e-4);
    f_color = vec4(c * contribution, 1.0);
}
