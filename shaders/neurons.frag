#version 330 core
in vec2 v_offset;
flat in float v_radius;
flat in float v_act;
flat in int v_id;
out vec4 f_color;

uniform float u_halo;
uniform int u_hover;        // hovered neuron or -1
uniform int u_marked;       // the predicted output neuron or -1
uniform vec3 u_low;         // colour at activation 0
uniform vec3 u_high;        // colour at activation 1 (above 1: glows)

void main() {
    float a = clamp(v_act, 0.0, 1.0);
    float d = length(v_offset) - v_radius;           // signed distance to the rim
    float inside = clamp(0.5 - d, 0.0, 1.0);         // antialiased disc
    vec3 fill = mix(u_low, u_high, a * a * (3.0 - 2.0 * a));
    float rim = clamp(1.0 - abs(d + 1.0) / 1.5, 0.0, 1.0);
    vec3 rim_color = vec3(0.55, 0.65, 0.85) * 0.8;
    if (v_id == u_marked) rim_color = vec3(2.4, 1.8, 0.5);
    if (v_id == u_hover) rim_color = vec3(2.0);
    float rim_width = (v_id == u_marked || v_id == u_hover) ? 3.5 : 1.5;
    rim = clamp(1.0 - abs(d + rim_width * 0.5) / rim_width, 0.0, 1.0);
    vec3 color = mix(fill, rim_color, rim);
    float halo_d = max(d, 0.0) / max(v_radius * u_halo, 1.0);
    float halo = a * exp(-halo_d * halo_d * 4.0) * (1.0 - inside);
    float alpha = max(inside, halo * 0.8);
    vec3 out_color = inside > 0.0 ? color : u_high * 0.8;
    f_color = vec4(out_color, alpha);
}
