#version 330 core
in vec3 v_color;
in float v_alpha;
in float v_across;
out vec4 f_color;

void main() {
    // faint and even, fading out over the top and bottom tenth: a haze behind the drawn connections
    float edge = smoothstep(0.0, 0.1, v_across) * smoothstep(0.0, 0.1, 1.0 - v_across);
    f_color = vec4(v_color, v_alpha * edge);
}
