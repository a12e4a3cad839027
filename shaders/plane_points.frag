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
    vec3 class_color = v_class > 0.5 ? u_pos_color : u_neg_color;
    float shadow = clamp(1.0 - abs(d - 0.9) / 1.1, 0.0, 1.0) * 0.7;
    float body = clamp(0.5 - d, 0.0, 1.0);
    vec3 color;
    if (v_kind < 0.5 || v_kind > 1.5) {  // training point: bright, with a thin light rim
        float rim = clamp(1.0 - abs(d + 0.5) / 0.8, 0.0, 1.0);
        color = mix(mix(class_color, vec3(1.0), 0.15), u_outline, rim * 0.85);
    } else {             // test point: hollow, a ring of its class's colour around a dark centre
        float ring = clamp(1.0 - abs(d + 1.0) / 1.1, 0.0, 1.0);
        color = mix(u_shadow, mix(class_color, vec3(1.0), 0.15), ring);
    }
    float alpha = max(body, shadow);
    f_color = vec4(mix(u_shadow, color, body / max(alpha, 1e-4)), alpha);
}
