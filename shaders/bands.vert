#version 330 core
// One instance per thinned gap of a big network (glnn.view.lod): a band from the source column's
// block to the target column's, standing for the connections not drawn. A quad from gl_VertexID.
layout(location = 0) in vec4 i_from;   // x of the source side, its top and bottom y, x of the target side
layout(location = 1) in vec4 i_to;     // the target side's top and bottom y, opacity, share of positive weight
uniform vec2 u_viewport;               // window size in pixels
uniform vec3 u_pos_color;
uniform vec3 u_neg_color;
out vec3 v_color;
out float v_alpha;
out float v_across;   // 0 at the band's top edge, 1 at its bottom

void main() {
    float along = float(gl_VertexID & 1);
    float across = float(gl_VertexID >> 1);
    float x = mix(i_from.x, i_from.w, along);
    float top = mix(i_from.y, i_to.x, along);
    float bottom = mix(i_from.z, i_to.y, along);
    vec2 pos = vec2(x, mix(top, bottom, across));
    v_across = across;
    v_color = mix(u_neg_color, u_pos_color, clamp(i_to.w, 0.0, 1.0));
    v_alpha = i_to.z;
    gl_Position = vec4(pos.x / u_viewport.x * 2.0 - 1.0, 1.0 - pos.y / u_viewport.y * 2.0, 0.0, 1.0);
}
