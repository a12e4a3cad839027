#version 330 core
// One instance per neuron: a quad around the disc with room for its halo.
uniform samplerBuffer u_nodes;    // x, y, radius, layer
uniform samplerBuffer u_acts;
uniform vec2 u_viewport;
uniform float u_halo;             // halo size relative to the radius

out vec2 v_offset;    // pixels from the centre
flat out float v_radius;
flat out float v_act;
flat out int v_id;

void main() {
    vec4 n = texelFetch(u_nodes, gl_InstanceID);
    v_radius = n.z;
    v_act = texelFetch(u_acts, gl_InstanceID).r;
    v_id = gl_InstanceID;
    vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1)) * 2.0 - 1.0;
    v_offset = corner * (n.z * (1.0 + u_halo) + 2.0);
    vec2 pos = n.xy + v_offset;
    gl_Position = vec4(pos.x / u_viewport.x * 2.0 - 1.0, 1.0 - pos.y / u_viewport.y * 2.0, 0.0, 1.0);
}
