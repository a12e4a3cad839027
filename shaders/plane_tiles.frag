#version 330 core
in vec2 v_uv;
in vec2 v_pixel;
flat in vec2 v_half;
flat in vec4 v_info;
out vec4 f_color;

uniform sampler2DArray u_values;  // one layer per neuron: its activation over the input plane
uniform vec3 u_pos_color;         // the palette's positive colour: high activation, class 1
uniform vec3 u_neg_color;         // negative colour: low activation, class 0
uniform vec3 u_neutral;           // the middle of the range: undecided
uniform vec3 u_frame;             // the rim
uniform float u_strength;         // saturation of the regions (the data points on top are full strength)
uniform vec3 u_line;              // the decision boundary on the map

float rounded_box(vec2 p, vec2 half_size, float radius) {
    vec2 q = abs(p) - half_size + radius;
    return length(max(q, 0.0)) + min(max(q.x, q.y), 0.0) - radius;
}

void main() {
    float value = texture(u_values, vec3(clamp(v_uv, 0.0, 1.0), v_info.x)).r;
    float s = (value - v_info.y) / (v_info.z - v_info.y) * 2.0 - 1.0;  // -1 .. 1 over the fixed range
    float m = clamp(abs(s), 0.0, 1.0);
    vec3 color = mix(u_neutral, s >= 0.0 ? u_pos_color : u_neg_color, pow(m, 0.75) * u_strength);
    bool is_map = v_info.w > 0.5;
    if (is_map) {  // where the output crosses the middle: a thin line, about a pixel wide at any zoom
        float line = 1.0 - clamp(abs(s) / max(fwidth(s), 1e-5) - 0.5, 0.0, 1.0);
        color = mix(color, u_line, line * 0.8);
    }
    float d = rounded_box(v_pixel, v_half, is_map ? 8.0 : 4.0);
    float inside = clamp(0.5 - d, 0.0, 1.0);
    float rim = clamp(1.0 - abs(d + 0.75) / 1.0, 0.0, 1.0);
    f_color = vec4(mix(color, u_frame, rim * 0.85), inside);
}
