#version 330 core
// One instance per connection drawn, expanded to a quad from gl_VertexID (triangle strip, 4 vertices).
// Weights, activations and neuron positions are read from buffers the CPU updates once a frame;
// the connections themselves from a table written when the topology changes. A big network draws
// only some of its connections (glnn.view.lod): each instance names the one it draws.
layout(location = 0) in int i_index;    // the connection drawn: an index into u_links

uniform isamplerBuffer u_links;   // per connection: source neuron, target neuron, weight index, 0

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
uniform int u_hover_neuron;       // the hovered neuron, or -1: its connections stand out too (others stay)
// step-through animation (glnn.step_animation); with an empty u_pulse_links and u_change 0 nothing changes
uniform samplerBuffer u_deltas;   // every neuron's error signal dLoss/dz once the backward pass reached it, else 0
uniform ivec2 u_pulse_links;      // connections [first, end) carrying pulses this frame
uniform float u_pulse_pos;        // how far the pulses have travelled: 0 leaving, 1 arriving
uniform int u_pulse_backward;     // 1: the error travels back, from target to source
uniform float u_pulse_scale;      // the layer's strongest |w a| (forward) or |w delta| (backward)
uniform float u_change;           // 0..1 envelope of the weights-changing flash
uniform float u_change_scale;     // the step's largest |lr a delta|, 0 for none
uniform float u_lr;

out vec3 v_color;
out float v_alpha;
out float v_across;   // signed distance from the centre line, pixels
out float v_half;     // half the line width, pixels
out float v_along;    // pixels from the start of the line
flat out float v_pulse;       // 0..1 strength of the pulse on this connection (0: none)
flat out float v_pulse_head;  // pixels from the start of the line to the pulse's centre
flat out float v_pulse_dir;   // +1 the pulse travels towards the line's end, -1 back towards its start
flat out float v_pulse_radius;

void main() {
    ivec3 i_link = texelFetch(u_links, i_index).xyz;
    vec4 a = texelFetch(u_nodes, i_link.x);
    vec4 b = texelFetch(u_nodes, i_link.y);
    float w = texelFetch(u_params, i_link.z).r;
    float source_act = texelFetch(u_acts, i_link.x).r;

    float m = clamp(abs(w) / u_weight_scale, 0.0, 1.0);
    float signal = clamp(abs(w * source_act) / u_weight_scale, 0.0, 1.0);
    bool hovered = i_index == u_hover;
    bool focused = u_focus >= 0 && (i_link.x == u_focus || i_link.y == u_focus);
    bool of_hovered = u_hover_neuron >= 0 && (i_link.x == u_hover_neuron || i_link.y == u_hover_neuron);

    float delta_target = texelFetch(u_deltas, i_link.y).r;
    bool pulsing = i_index >= u_pulse_links.x && i_index < u_pulse_links.y;
    float carried = u_pulse_backward == 1 ? abs(w * delta_target) : abs(w * source_act);
    // a power below 1: weak signals still show as faint pulses beside the strong ones
    v_pulse = pulsing ? pow(clamp(carried / max(u_pulse_scale, 1e-30), 0.0, 1.0), 0.7) : 0.0;
    v_pulse_radius = 2.0 + 3.2 * v_pulse;

    float half_width = 0.35 + 0.5 * u_max_width * sqrt(m);
    if (hovered) half_width += 1.5;
    v_half = half_width;
    vec3 base = w >= 0.0 ? u_pos_color : u_neg_color;
    v_color = base * (0.55 + 0.45 * m + u_signal_glow * signal * signal);
    if (hovered) v_color = mix(base, vec3(1.0), 0.6) * 2.2;
    v_alpha = 0.06 + 0.84 * m;
    if (focused || of_hovered) v_alpha = min(1.0, v_alpha * 1.8 + 0.15);
    if (u_focus >= 0 && !focused && !hovered) v_alpha *= 0.25;
    if (hovered) v_alpha = 1.0;
    if (u_change > 0.0 && u_change_scale > 0.0) {
        // the weights are changing: each connection flares by how much its weight moves (lr a delta)
        float moved = sqrt(clamp(abs(u_lr * source_act * delta_target) / u_change_scale, 0.0, 1.0)) * u_change;
        v_color = v_color * (1.0 + 1.6 * moved) + vec3(0.35) * moved;
        v_alpha = max(v_alpha, moved);
        half_width += 1.5 * moved;
        v_half = half_width;
    }

    vec2 dir = b.xy - a.xy;
    float len = max(length(dir), 1e-4);
    dir /= len;
    vec2 normal = vec2(-dir.y, dir.x);
    vec2 p0 = a.xy + dir * a.z;   // from the edge of one disc to the edge of the other
    vec2 p1 = b.xy - dir * b.z;
    float along = float(gl_VertexID & 1);
    float side = float(gl_VertexID >> 1) * 2.0 - 1.0;
    float extent = max(half_width, v_pulse > 0.0 ? 1.8 * v_pulse_radius : 0.0) + 1.5;  // room for the soft edge
    float seg_len = length(p1 - p0);
    v_along = along * seg_len;
    v_pulse_dir = u_pulse_backward == 1 ? -1.0 : 1.0;
    // each connection's pulse a little early or late (a fixed hash of its index): a swarm of
    // sparks rather than one front, which on dense layers would merge into a wall of light
    float jitter = (fract(sin(float(i_index) * 12.9898) * 43758.5453) - 0.5) * 0.16;
    float travelled = u_pulse_pos + jitter;
    v_pulse_head = (u_pulse_backward == 1 ? 1.0 - travelled : travelled) * seg_len;
    v_across = side * extent;
    vec2 pos = mix(p0, p1, along) + normal * v_across;
    gl_Position = vec4(pos.x / u_viewport.x * 2.0 - 1.0, 1.0 - pos.y / u_viewport.y * 2.0, 0.0, 1.0);
}
