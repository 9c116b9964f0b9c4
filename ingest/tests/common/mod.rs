//! Measures shared by the extraction tests.

/// The text with all white space collapsed to single spaces, as characters.
pub fn collapsed(s: &str) -> Vec<char> {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect()
}

/// Edit distance from `a` to `b`, or with `within`, from `a` to the closest stretch of `b`
/// (a semi-global alignment: `b` may start and end anywhere).
pub fn distance(a: &[char], b: &[char], within: bool) -> usize {
    let mut prev: Vec<usize> = if within {
        vec![0; b.len() + 1]
    } else {
        (0..=b.len()).collect()
    };
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j + 1] + 1)
                    .min(cur[j] + 1)
                    .min(prev[j] + usize::from(ca != cb)),
            );
        }
        prev = cur;
    }
    if within {
        prev.into_iter().min().unwrap_or(0)
    } else {
        prev[b.len()]
    }
}

/// Fails, showing what was read, when a file's error rate is over its bound.
pub fn assert_cer_within(file: &str, rate: f64, max: f64, text: &str) {
    assert!(
        rate <= max,
        "{file}: CER {:.2}% > {:.2}%\n{text}",
        rate * 100.0,
        max * 100.0
    );
}
