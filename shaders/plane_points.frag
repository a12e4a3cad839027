#version 330 core
in vec2 v_offset;
flat in float v_class;
flat in float v_kind;     // 0 training point, 1 test point, 2 training point added by hand
out vec4 f_color;

uniform float u_radius;
uniform vec3 u_pos_color;   // class 1
uniform vec3 u_neg_color;   // class 0
uniform vec3 u_outline;     // rim of the training points
uniform vec3 u_shadow;      // a dark ring outside every point, so it reads over its own colour

void main() {
    // signed distance to the rim, pixels: a disc, or for a point added by hand a square a little wider
    float d = v_kind > 1.5 ? max(abs(v_offset.x), abs(v_offset.y)) - u_radius * 1.15 : length(v_offset) - u_radius;
    vec3 class_color = mix(v_class > 0.5 ? u_pos_color : u_neg_color, vec3(1.0), 0.15);
    float shadow = clamp(1.0 - abs(d - 0.9) / 1.1, 0.0, 1.0) * 0.7;
    if (v_kind < 0.5 || v_kind > 1.5) {  // training point (a disc, or a square if added by hand): bright, with a thin light rim
        float body = clamp(0.5 - d, 0.0, 1.0);
        float rim = clamp(1.0 - abs(d + 0.5) / 0.8, 0.0, 1.0);
        vec3 color = mix(class_color, u_outline, rim * 0.85);
        float alpha = max(body, shadow);
        f_color = vec4(mix(u_shadow, color, body / max(alpha, 1e-4)), alpha);
    } else {             // test point: hollow, a thick ring of its class's colour; the map shows through the middle
        float width = max(1.8, 0.42 * u_radius);
        float ring = clamp(0.5 - d, 0.0, 1.0) * clamp(d + width + 0.5, 0.0, 1.0);  // covers -width..0
        float inner = clamp(1.0 - abs(d + width + 0.6) / 0.8, 0.0, 1.0) * 0.55;  // a dark edge inside the ring
        float alpha = max(ring, max(shadow, inner));
        f_color = vec4(mix(u_shadow, class_color, ring / max(alpha, 1e-4)), alpha);
    }
}
