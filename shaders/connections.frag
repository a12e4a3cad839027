#version 330 core
in vec3 v_color;
in float v_alpha;
in float v_across;
in float v_half;
out vec4 f_color;

void main() {
    // solid core, then a Gaussian fall-off exp(-d^2) over the last pixels: antialiased at any width
    float d = max(abs(v_across) - v_half + 0.5, 0.0);
    float coverage = exp(-d * d * 1.5);
    f_color = vec4(v_color, v_alpha * coverage);
}
