//! What became of an issuing agency's unit: a paper of "UBND huyện Núi Thành" (a district
//! abolished on 1 July 2025) shows the units that took over its territory today. The paper's
//! validity does not change: a reorganization of units rewrites no paper (domain.md).

use super::recognize::{PlaceSource, RecognizedPlace};
use super::{Era, Gazetteer, Level, UnitId};
use crate::text::fold;

/// The issuer's unit before 1 July 2025 and its successors.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AgencySuccession {
    /// The issuer's unit: "huyện Núi Thành, tỉnh Quảng Nam".
    pub unit: String,
    pub unit_code: String,
    /// The unit no longer exists under its name (a district; a province or commune merged into
    /// another one).
    pub abolished: bool,
    /// Today's units that took over its territory, full names.
    pub successors: Vec<String>,
    /// For a people's committee (UBND): the committees of those units.
    pub successor_agency: Option<String>,
    /// One Vietnamese sentence for the document page.
    pub note: String,
}

/// The sentence every page of a paper of the old units carries.
pub const VALIDITY_UNCHANGED: &str =
    "Việc sắp xếp đơn vị hành chính từ 01/7/2025 không làm thay đổi hiệu lực của giấy tờ đã cấp.";

fn is_peoples_committee(issuer: &str) -> bool {
    let f = fold(issuer);
    let f = f.trim_start();
    f.starts_with("ubnd") || f.starts_with("uy ban nhan dan")
}

impl Gazetteer {
    /// The successor of an issuer whose place (read from the issuer, [`PlaceSource::Issuer`])
    /// is a unit before 1 July 2025. `None` for an issuer of today's units or with no place.
    pub fn agency_succession(
        &self,
        issuer: &str,
        places: &[RecognizedPlace],
    ) -> Option<AgencySuccession> {
        let unit: UnitId = places
            .iter()
            .filter(|p| p.source == PlaceSource::Issuer && p.era == Era::Before2025)
            .filter_map(|p| self.by_code(&p.code))
            .max_by_key(|u| self.unit(*u).level)?;
        let u = self.unit(unit);
        let successors: Vec<UnitId> = self
            .expansion(unit)
            .includes
            .into_iter()
            .map(|(s, _)| s)
            .collect();
        if successors.is_empty() {
            return None;
        }
        let abolished = u.level == Level::District
            || !successors.iter().any(|s| {
                let s = self.unit(*s);
                s.level == u.level && fold(&s.name) == fold(&u.name)
            });
        let names: Vec<String> = successors.iter().map(|s| self.full_name(*s)).collect();
        let successor_agency = is_peoples_committee(issuer).then(|| {
            successors
                .iter()
                .map(|s| format!("UBND {}", self.short_name(*s)))
                .collect::<Vec<_>>()
                .join(", ")
        });
        let province = self.full_name(self.province_of(successors[0]));
        let today = if u.level == Level::Province || successors.len() == 1 {
            names.join("; ")
        } else {
            let short: Vec<String> = successors.iter().map(|s| self.short_name(*s)).collect();
            format!("{} ({province})", short.join(", "))
        };
        let what = if abolished {
            format!(
                "{} không còn từ 01/7/2025; địa bàn nay thuộc {today}.",
                self.full_name(unit)
            )
        } else {
            format!("{} nay là {today}.", self.full_name(unit))
        };
        let agency = successor_agency
            .as_ref()
            .map(|a| format!(" Cơ quan kế thừa: {a}."))
            .unwrap_or_default();
        Some(AgencySuccession {
            unit: self.full_name(unit),
            unit_code: u.code.clone(),
            abolished,
            successors: names,
            successor_agency,
            note: format!("{what}{agency} {VALIDITY_UNCHANGED}"),
        })
    }
}
