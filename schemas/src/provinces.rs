//! Province codes of the personal ID (Circular 59/2021/TT-BCA), shipped as data
//! (`data/provinces.csv`) so that a change of the table is a data change.

use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Province {
    pub code: &'static str,
    pub name: &'static str,
}

pub(crate) static UNKNOWN_PROVINCE: Province = Province {
    code: "000",
    name: "(không rõ)",
};

/// The table, in code order. Parsed once from the embedded CSV (plain `code,name` lines).
pub static PROVINCES: LazyLock<Vec<Province>> = LazyLock::new(|| {
    include_str!("../data/provinces.csv")
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(','))
        .map(|(code, name)| Province { code, name })
        .collect()
});

pub fn province_by_code(code: &str) -> Option<&'static Province> {
    PROVINCES.iter().find(|p| p.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_the_domain_notes() {
        assert_eq!(PROVINCES.len(), 63);
        assert_eq!(province_by_code("001").unwrap().name, "Hà Nội");
        assert_eq!(province_by_code("048").unwrap().name, "Đà Nẵng");
        assert_eq!(province_by_code("079").unwrap().name, "Hồ Chí Minh");
        assert_eq!(province_by_code("096").unwrap().name, "Cà Mau");
        assert!(province_by_code("003").is_none());
        assert!(PROVINCES.windows(2).all(|w| w[0].code < w[1].code));
    }
}
