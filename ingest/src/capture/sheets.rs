//! A manifest row as a separator sheet: the row validated as for an ingest, its QR payload, and
//! the same metadata as large text with Vietnamese labels.

use super::sheet_pdf::{Sheet, SheetLine};
use schemas::{DocTypes, ManifestRow, Validity};
use time::Date;

/// The sheet of one manifest row, or the row's rule errors (`sheet` says which of `total` it
/// is, for the footer).
pub fn sheet_for_row(
    row: &ManifestRow,
    types: &DocTypes,
    today: Date,
    sheet: usize,
    total: usize,
    manifest_name: &str,
) -> Result<Sheet, String> {
    let metadata = row
        .metadata
        .validate(types, today)
        .map_err(|e| e.to_string())?;
    let payload = schemas::separator_payload(&row.metadata).map_err(|e| e.to_string())?;
    let type_title = types
        .get(&metadata.doc_type)
        .map_or(metadata.doc_type.clone(), |t| t.title.clone());
    let mut lines = Vec::new();
    let mut add = |label: &str, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            lines.push(SheetLine {
                label: label.to_string(),
                value,
            });
        }
    };
    add("Họ tên chủ sở hữu", metadata.owner_name.clone());
    add(
        "Loại giấy tờ",
        Some(format!("{type_title} ({})", metadata.doc_type)),
    );
    add("Tên giấy tờ", Some(metadata.title.clone()));
    add(
        "Mã hồ sơ",
        metadata
            .dossier_code
            .as_ref()
            .map(|c| c.as_str().to_string()),
    );
    add(
        "Mã thủ tục",
        metadata
            .procedure_code
            .as_ref()
            .map(|c| c.as_str().to_string()),
    );
    add(
        "Mã kết quả",
        metadata
            .result_code
            .as_ref()
            .map(|c| c.as_str().to_string()),
    );
    add("Cơ quan ban hành", metadata.issuer.clone());
    add(
        "Mã cơ quan",
        metadata
            .issuer_code
            .as_ref()
            .map(|c| c.as_str().to_string()),
    );
    add("Số ký hiệu", metadata.doc_number.clone());
    add(
        "Ngày ban hành",
        row.metadata.get("issued_on").map(str::to_string),
    );
    add(
        "Hiệu lực",
        match metadata.valid_until {
            Validity::Permanent => Some("vĩnh viễn".to_string()),
            Validity::Until(_) => row.metadata.get("valid_until").map(|d| format!("đến {d}")),
            Validity::Unknown => None,
        },
    );
    add("Người ký", metadata.signer.clone());
    add("Phạm vi hiệu lực", metadata.validity_scope.clone());
    add("Trích yếu", metadata.summary.clone());
    Ok(Sheet {
        payload,
        headline: format!("Số định danh: {}", metadata.owner_id.as_str()),
        lines,
        footer: format!("Tờ {sheet}/{total} · dòng {} của {manifest_name}", row.line),
    })
}
