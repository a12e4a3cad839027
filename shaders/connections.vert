#version 330 core
// One instance per connection, expanded to a quad from gl_VertexID (triangle strip, 4 vertices).
// Weights, activations and neuron positions are read from buffers the CPU updates once a frame.
layout(location = 0) in ivec3 i_link;   // source neuron, target neuron, weight index

uniform samplerBuffer u_params;   // the network's flat parameter array
uniform samplerBuffer u_acts;     // activations of every neuron for the shown input
uniform samplerBuffer u_nodes;    // x, y, radius, layer (pixels, origin top left)
uniform vec2 u_viewport;          // window size in pixels
uniform float u_weight_scale;     // |w| drawn at full width and opacity (fixed, not per frame)
uniform float u_max_width;        // full line width in pixels
uniform float u_signal_glow;      // extra brightness for connections carrying a strong signal
uniform vec3 u_pos_color;
uniform vec3 u_neg_color;
uniform int u_hover;              // index of the hovered connection, or -1
uniform int u_focus;              // neuron whose connections are emphasised, or -1

out vec3 v_color;
out float v_alpha;
out float v_across;   // signed distance from the centre line, pixels
out float v_half;     // half the line width, pixels

void main() {
    vec4 a = texelFetch(u_nodes, i_link.x);
    vec4 b = texelFetch(u_nodes, i_link.y);
    float w = texelFetch(u_params, i_link.z).r;
    float source_act = texelFetch(u_acts, i_link.x).r;

    float m = clamp(abs(w) / u_weight_scale, 0.0, 1.0);
    float signal = clamp(abs(w * source_act) / u_weight_scale, 0.0, 1.0);
    bool hovered = gl_InstanceID == u_hover;
    bool focused = u_focus >= 0 && (i_link.x == u_focus || i_link.y == u_focus);

    float half_width = 0.35 + 0.5 * u_max_width * sqrt(m);
    if (hovered) half_width += 1.5;
    v_half = half_width;
    vec3 base = w >= 0.0 ? u_pos_color : u_neg_color;
    v_color = base * (0.55 + 0.45 * m + u_signal_glow * signal * signal);
    if (hovered) v_color = mix(base, vec3(1.0), 0.6) * 2.2;
    v_alpha = 0.06 + 0.84 * m;
    if (focused) v_alpha = min(1.0, v_alpha * 1.8 + 0.15);
    if (u_focus >= 0 && !focused && !hovered) v_alpha *= 0.25;
    if (hovered) v_alpha = 1.0;

    vec2 dir = b.xy - a.xy;
    float len = max(length(dir), 1e-4);
    dir /= len;
    vec2 normal = vec2(-dir.y, dir.x);
    vec2 p0 = a.xy + dir * a.z;   // from the edge of one disc to the edge of the other
    vec2 p1 = b.xy - dir * b.z;
    float along = float(gl_VertexID & 1);
    float side = float(gl_VertexID >> 1) * 2.0 - 1.0;
    float extent = half_width + 1.5;  // room for the soft edge
    v_across = side * extent;
    vec2 pos = mix(p0, p1, along) + normal * v_across;
    gl_Position = vec4(pos.x / u_viewport.x * 2.0 - 1.0, 1.0 - pos.y / u_viewport.y * 2.0, 0.0, 1.0);
}
