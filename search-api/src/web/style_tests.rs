//! The stylesheet's colours, checked: the focus ring is visible on every surface it is drawn on
//! (WCAG 2.2, 1.4.11 non-text contrast: 3:1 at least). Outlines sit 2 px outside the focused
//! element (`outline-offset`), so what they are seen against is the surface around it: the light
//! page surfaces (white, panels, notices, the dossier banner) for `--focus`, the dark header for
//! `--focus-on-dark`.

const CSS: &str = include_str!("assets/kho.css");

/// sRGB relative luminance of `#rgb` or `#rrggbb`.
fn luminance(hex: &str) -> f64 {
    let hex = hex.trim_start_matches('#');
    let hex: String = if hex.len() == 3 {
        hex.chars().flat_map(|c| [c, c]).collect()
    } else {
        hex.to_string()
    };
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The value of a custom property (`--name: #hex;`).
fn variable(name: &str) -> String {
    let at = CSS
        .find(&format!("{name}:"))
        .unwrap_or_else(|| panic!("{name} is not set"));
    CSS[at + name.len() + 1..]
        .trim_start()
        .chars()
        .take_while(|c| *c == '#' || c.is_ascii_hexdigit())
        .collect()
}

/// Every colour a rule paints a background with, and the rule's selector.
fn backgrounds() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for rule in CSS.split('}') {
        let Some((selector, body)) = rule.split_once('{') else {
            continue;
        };
        for declaration in body.split(';') {
            let Some((property, value)) = declaration.split_once(':') else {
                continue;
            };
            if !matches!(property.trim(), "background" | "background-color") {
                continue;
            }
            let value = value.trim();
            let colour = match value.strip_prefix("var(") {
                Some(var) => variable(var.trim_end_matches(')')),
                None => value
                    .chars()
                    .take_while(|c| *c == '#' || c.is_ascii_hexdigit())
                    .collect(),
            };
            if colour.starts_with('#') {
                out.push((selector.trim().to_string(), colour));
            }
        }
    }
    out
}

#[test]
fn the_focus_ring_has_three_to_one_contrast_on_every_surface() {
    assert!(
        CSS.contains("outline: 3px solid var(--focus)"),
        "the ring is --focus"
    );
    let focus = variable("--focus");
    let on_dark = variable("--focus-on-dark");
    let surfaces = backgrounds();
    assert!(surfaces.len() >= 5, "{surfaces:?}");
    let mut checked = 0;
    for (selector, colour) in &surfaces {
        // Light surfaces carry content; dark fills are controls and badges (the ring sits
        // around them, on a light surface) or the header (its own ring colour).
        if selector.starts_with("header.top") {
            let ratio = contrast(&on_dark, colour);
            assert!(
                ratio >= 3.0,
                "{selector} {colour}: {ratio:.2} with {on_dark}"
            );
            checked += 1;
        } else if luminance(colour) >= 0.4 {
            let ratio = contrast(&focus, colour);
            assert!(ratio >= 3.0, "{selector} {colour}: {ratio:.2} with {focus}");
            checked += 1;
        }
    }
    assert!(checked >= 5, "{surfaces:?}");
    assert!(
        CSS.contains(
            "header.top a:focus, header.top button:focus { outline-color: var(--focus-on-dark); }"
        ),
        "the header's links take the dark surface's ring"
    );
    // The ring of before (#f0b429 on white) was 1.9:1: the check tells the two apart.
    assert!(contrast("#f0b429", "#ffffff") < 3.0);
}
