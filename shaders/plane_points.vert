#version 330 core
// One instance per data point, drawn over the decision map.
layout(location = 0) in vec4 i_point;  // x1, x2, class (0 or 1), kind: 0 training, 1 test, 2 added by hand

uniform vec2 u_viewport;
uniform vec3 u_map;       // the map's left, top and side in window pixels
uniform float u_extent;   // the map spans -extent..extent on both axes
uniform float u_radius;   // pixels

out vec2 v_offset;        // pixels from the point's centre
flat out float v_class;
flat out float v_kind;

void main() {
    vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1)) * 2.0 - 1.0;
    vec2 centre = u_map.xy + (vec2(i_point.x, -i_point.y) / u_extent * 0.5 + 0.5) * u_map.z;  // x2 points up
    v_offset = corner * (u_radius * 1.15 + 2.5);  // room for the squares of the points added by hand
    v_class = i_point.z;
    v_kind = i_point.w;
    vec2 pos = centre + v_offset;
    gl_Position = vec4(pos.x / u_viewport.x * 2.0 - 1.0, 1.0 - pos.y / u_viewport.y * 2.0, 0.0, 1.0);
}
