//! The page frame and the small pieces every page shows the same way: Vietnamese names of
//! states, actions, roles and fields; dates as dd/mm/yyyy in Vietnam time; validity badges.

use maud::{html, Markup, PreEscaped, DOCTYPE};
use schemas::{Caller, Role};

/// The signed-in user as the frame shows them, with the CSRF token of their forms.
pub struct Frame<'a> {
    pub caller: Option<&'a Caller>,
    pub csrf: &'a str,
}

/// A whole page: header with the user's menu, `main` with the content.
pub fn page(title: &str, frame: &Frame, content: Markup) -> Markup {
    page_in_dossier(title, frame, None, content)
}

/// The dossier a clerk is handling, as the pages of their flow carry it (in the URL) and show it.
pub struct Dossier<'a> {
    pub code: &'a str,
    pub procedure: Option<&'a str>,
    pub purpose: Option<&'a str>,
}

impl<'a> Dossier<'a> {
    /// The dossier of a read's reason, if it names one.
    pub fn of(reason: &'a crate::wire::ReasonParams) -> Option<Self> {
        let given = |v: &'a Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty());
        Some(Dossier {
            code: given(&reason.dossier_code)?,
            procedure: given(&reason.procedure_code),
            purpose: given(&reason.purpose),
        })
    }

    /// The query that carries it to the next page.
    pub fn query(&self) -> String {
        let mut pairs = vec![("dossier_code", self.code)];
        if let Some(p) = self.procedure {
            pairs.push(("procedure_code", p));
        }
        if let Some(p) = self.purpose {
            pairs.push(("purpose", p));
        }
        query_string(&pairs)
    }
}

/// A page of the clerk's flow: the frame, with the banner of the dossier being handled under
/// the header and the menu's search link keeping it (issue #19: the dossier stays in view).
pub fn page_in_dossier(
    title: &str,
    frame: &Frame,
    dossier: Option<&Dossier>,
    content: Markup,
) -> Markup {
    let search_link = dossier.map(|d| format!("/?{}", d.query()));
    html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · kho" }
                link rel="stylesheet" href="/static/kho.css";
                script src="/static/kho.js" defer {}
            }
            body {
                a.skip href="#noi-dung" { "Bỏ qua đến nội dung chính" }
                header.top {
                    a.brand href="/" { "kho" span.sub { " · Kho dữ liệu điện tử" } }
                    @if let Some(caller) = frame.caller {
                        nav aria-label="Chức năng" {
                            ul {
                                @for (href, label) in menu(caller.role()) {
                                    @if *href == "/" && search_link.is_some() {
                                        li { a href=(search_link.as_deref().unwrap_or("/")) { (label) } }
                                    } @else {
                                        li { a href=(href) { (label) } }
                                    }
                                }
                            }
                        }
                        div.who {
                            span { (caller.principal().name) " (" (role_name(caller.role())) ")" }
                            form method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(frame.csrf);
                                button type="submit" { "Đăng xuất" }
                            }
                        }
                    }
                }
                @if let Some(d) = dossier {
                    div.dossier-banner role="status" aria-label="Hồ sơ đang xử lý" {
                        "Đang xử lý hồ sơ " strong.dossier-code { (d.code) }
                        @if let Some(purpose) = d.purpose { " — " span.dossier-purpose { (purpose) } }
                    }
                }
                main #noi-dung tabindex="-1" {
                    h1 { (title) }
                    (content)
                }
                footer { "kho: lưu trữ kết quả thủ tục hành chính đã số hóa. Người dân chỉ cung cấp giấy tờ một lần." }
            }
        }
    }
}

fn menu(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Clerk => &[("/", "Tra cứu")],
        Role::Operator => &[
            ("/", "Tra cứu"),
            ("/upload", "Tải lên"),
            ("/upload/stack", "Tải lên chồng hồ sơ"),
            ("/batches", "Các lô số hóa"),
        ],
        Role::Citizen => &[
            ("/my", "Giấy tờ của tôi"),
            ("/my/activity", "Hoạt động"),
            ("/my/dossiers", "Hồ sơ của tôi"),
            ("/my/shares", "Chia sẻ"),
            ("/my/ledger", "Ai đã xem"),
            ("/my/notifications", "Nhận thông báo"),
        ],
        Role::Admin => &[("/", "Tài khoản"), ("/dashboard", "Chỉ số")],
        Role::Intake => &[("/", "Hệ thống một cửa")],
        Role::Leader => &[("/dashboard", "Chỉ số")],
    }
}

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "quản trị",
        Role::Operator => "cán bộ số hóa",
        Role::Clerk => "cán bộ một cửa",
        Role::Citizen => "công dân",
        Role::Intake => "hệ thống một cửa",
        Role::Leader => "lãnh đạo",
    }
}

pub fn role_name_str(role: &str) -> &str {
    Role::parse(role).map(role_name).unwrap_or(role)
}

/// A PDF signature as people read it: "Đã ký số: <organization> — hợp lệ".
pub fn signature_badge(sig: &schemas::SignatureInfo) -> Markup {
    let who = sig
        .organization
        .as_deref()
        .or(sig.signer.as_deref())
        .unwrap_or("(không rõ)");
    let class = if sig.status == schemas::SignatureStatus::Valid {
        "valid"
    } else {
        "expired"
    };
    html! {
        span class={"badge " (class)} title=(sig.detail) {
            @if sig.status == schemas::SignatureStatus::Valid { "Đã ký số: " } @else { "Chữ ký số: " }
            (who) " — " (sig.status.vietnamese())
        }
    }
}

/// The badge of a document's state today.
pub fn state_badge(state: schemas::State) -> Markup {
    let (class, label) = match state {
        schemas::State::Valid => ("valid", "Còn hiệu lực"),
        schemas::State::Expired => ("expired", "Hết hiệu lực"),
        schemas::State::Revoked => ("revoked", "Đã thu hồi"),
        schemas::State::Superseded => ("superseded", "Đã được thay thế"),
    };
    html! { span class={"badge " (class)} { (label) } }
}

/// A document type's name (in Vietnamese, from the table of types), else its key.
pub fn doc_type_title(state: &crate::state::AppState, key: &str) -> String {
    state
        .archive
        .doc_types()
        .get(key)
        .map(|t| t.title.clone())
        .unwrap_or_else(|| key.to_string())
}

pub fn action_name(action: &str) -> &str {
    match action {
        "ingest" => "Lưu vào kho",
        "read_metadata" => "Xem thông tin",
        "search" => "Tìm kiếm trong giấy tờ",
        "download" => "Tải bản gốc / xem trang",
        "reuse" => "Tái sử dụng trong hồ sơ",
        "revoke" => "Thu hồi",
        "supersede" => "Thay thế",
        "refused" => "Bị từ chối truy cập",
        "fixity_failed" => "Bản gốc không còn nguyên vẹn",
        "reextract" => "Trích xuất lại văn bản",
        "trust_changed" => "Thay đổi chứng thư gốc tin cậy",
        "signatures_checked" => "Kiểm tra lại chữ ký số",
        "certify" => "Cấp bản sao điện tử có chứng thực",
        "verify_copy" => "Người giữ bản sao kiểm tra bản sao",
        "reread_places" => "Đọc lại địa danh",
        "import_gazetteer" => "Thay danh mục địa danh",
        "account" => "Thay đổi tài khoản",
        "backup" => "Sao lưu",
        "register_dossier" => "Bộ phận một cửa tiếp nhận hồ sơ",
        "share" => "Chia sẻ giấy tờ",
        "revoke_share" => "Thu hồi chia sẻ",
        "events_sent" => schemas::messages::ACTION_EVENTS_SENT.vi,
        other => other,
    }
}

/// What an event says beyond its action: the purpose the reader gave, else the ledger's own
/// note in Vietnamese (the ledger keeps the notes kho writes in English, as the API shows them).
pub fn event_note(e: &crate::wire::EventView) -> String {
    if let Some(refusal) = e.refusal_vi() {
        // What the refused reader said it was for, and the rule that refused it.
        let purpose = e.share_purpose().or(e.purpose.as_deref());
        return match purpose {
            Some(purpose) => format!("{purpose} (bị từ chối: {refusal})"),
            None => format!("Bị từ chối: {refusal}"),
        };
    }
    if let Some(purpose) = &e.purpose {
        return purpose.clone();
    }
    let Some(detail) = e.detail.as_deref() else {
        return String::new();
    };
    if let Some(page) = detail.strip_prefix("preview of page ") {
        return format!("Xem trang {page}");
    }
    // The ledger keeps kho's own notes in English (they are the record); a person reads them
    // in Vietnamese. What an operator typed (a revocation's reason) is shown as typed.
    match detail {
        "search result" => "Kết quả tra cứu".into(),
        "list of the owner's documents" => "Danh sách giấy tờ của chủ sở hữu".into(),
        "list of reuses" => "Danh sách các lần tái sử dụng".into(),
        "list of certified copies" => "Danh sách bản sao có chứng thực".into(),
        "upload of a file the owner already has (duplicate)" => {
            "Tải lên lại tệp đã có trong kho (không lưu thêm)".into()
        }
        d if d.starts_with("not modified") => "Xem lại bản đã tải (không đổi)".into(),
        d if d.starts_with("searched: ") => "Tra cứu trong giấy tờ của chủ sở hữu".into(),
        d if d.starts_with("cut from the scanned stack") => "Tách từ xấp bản quét".into(),
        d if d.starts_with("probable rescan of") => {
            "Có thể là bản quét lại của giấy tờ đã có".into()
        }
        d if e.action == "refused" => refusal_note(d).into(),
        d => d.to_string(),
    }
}

/// A refused attempt's note (the ledger's English `attempt: refusal`) in Vietnamese: the cause,
/// without the words of the rule.
fn refusal_note(detail: &str) -> &'static str {
    if detail.contains("not the caller's document") || detail.contains("no document") {
        "Không phải giấy tờ của người truy cập"
    } else if detail.contains("was received by an agency of") {
        "Hồ sơ do cơ quan của tỉnh, thành phố khác tiếp nhận"
    } else if detail.contains(" cannot ") {
        "Vai trò của người truy cập không được làm việc này"
    } else if detail.contains("dossier_code") || detail.contains("purpose") {
        "Thiếu hoặc sai mã hồ sơ, mục đích"
    } else if detail.contains("no owner") {
        "Không phải chủ giấy tờ"
    } else {
        "Yêu cầu bị từ chối"
    }
}

pub fn supersede_reason(reason: schemas::SupersedeReason) -> &'static str {
    use schemas::SupersedeReason as R;
    match reason {
        R::Amend => "sửa đổi",
        R::Supplement => "bổ sung",
        R::Annul => "hủy bỏ",
        R::Replace => "thay thế",
        R::Correct => "đính chính",
    }
}

/// `YYYY-MM-DD` as `dd/mm/yyyy`; anything else as it is.
pub fn date(iso: &str) -> String {
    let parts: Vec<&str> = iso.splitn(3, '-').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}

/// An RFC 3339 instant as `dd/mm/yyyy HH:MM` in Vietnam time.
pub fn instant(rfc3339: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    match time::OffsetDateTime::parse(rfc3339, &Rfc3339) {
        Ok(t) => {
            let t = t.to_offset(schemas::VIETNAM_OFFSET);
            format!(
                "{:02}/{:02}/{:04} {:02}:{:02}",
                t.day(),
                u8::from(t.month()),
                t.year(),
                t.hour(),
                t.minute()
            )
        }
        Err(_) => rfc3339.to_string(),
    }
}

/// What the validity field says, in words.
pub fn validity(valid_until: Option<&str>) -> String {
    match valid_until {
        Some("permanent") => "Không thời hạn".into(),
        Some(d) => format!("Đến hết ngày {}", date(d)),
        None => "Không rõ".into(),
    }
}

/// The Vietnamese label of a metadata or form field.
pub fn field_label(field: &str) -> &str {
    match field {
        "owner_id" | "owner" => "Số định danh / mã số doanh nghiệp",
        "owner_name" => "Họ tên chủ sở hữu",
        "doc_type" | "type" => "Loại giấy tờ",
        "title" => "Tên giấy tờ",
        "issuer" => "Cơ quan cấp",
        "issuer_code" => "Mã cơ quan cấp",
        "doc_number" => "Số, ký hiệu",
        "issued_on" => "Ngày cấp",
        "signer" => "Người ký",
        "valid_until" => "Hiệu lực đến",
        "validity_scope" => "Phạm vi hiệu lực",
        "dossier_code" => "Mã hồ sơ",
        "procedure_code" => "Mã thủ tục",
        "result_code" => "Mã kết quả",
        "summary" => "Tóm tắt",
        "purpose" => "Mục đích sử dụng",
        "file" => "Tệp",
        "q" => "Từ khóa",
        "from" => "Từ ngày",
        "to" => "Đến ngày",
        "sort" => "Sắp xếp",
        "page" => "Trang",
        "width" => "Chiều rộng",
        "limit" => "Số kết quả mỗi trang",
        "offset" => "Vị trí bắt đầu",
        "successor" => "Giấy tờ thay thế",
        "reason" => "Lý do",
        "code" => "Mã kiểm tra",
        "place" => "Địa danh",
        "password" => "Mật khẩu",
        "action" => "Việc",
        "signed" => "Chữ ký số",
        "issuer_filter" => "Cơ quan cấp",
        other => other,
    }
}

/// Text that came from our own code as safe HTML (the search snippets: escaped, with `<b>`).
pub fn trusted_html(s: &str) -> PreEscaped<&str> {
    PreEscaped(s)
}

/// `%XX` decoded (once; an invalid escape is kept as written). Decoded forms are checked too,
/// because some servers and browsers decode a path before they resolve it.
pub(crate) fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A `key=value&...` query string, percent-encoded, without empty values.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (key, value) in pairs.iter().filter(|(_, v)| !v.trim().is_empty()) {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(key);
        out.push('=');
        out.push_str(&crate::routes::documents::percent_encode(value));
    }
    out
}

/// Who did something, as people read it: the console's operator (`cli:an`, the ledger's name
/// for a command run on the server) is "an (trên máy chủ)", not developer syntax.
pub fn actor_name(actor: &str) -> String {
    match actor.strip_prefix("cli:") {
        Some(name) => format!("{name} (trên máy chủ)"),
        None => actor.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_the_vietnamese_way() {
        assert_eq!(date("2024-05-01"), "01/05/2024");
        assert_eq!(date("permanent"), "permanent");
        assert_eq!(instant("2026-11-27T17:30:00Z"), "28/11/2026 00:30");
        assert_eq!(validity(Some("2030-01-31")), "Đến hết ngày 31/01/2030");
    }

    #[test]
    fn every_metadata_field_has_a_vietnamese_label() {
        for field in schemas::METADATA_FIELDS {
            assert_ne!(field_label(field.name), field.name, "{}", field.name);
        }
    }

    #[test]
    fn queries_are_encoded_and_empty_values_dropped() {
        assert_eq!(
            query_string(&[("q", "Nguyễn Văn Đức"), ("type", ""), ("x", "a&b")]),
            "q=Nguy%E1%BB%85n%20V%C4%83n%20%C4%90%E1%BB%A9c&x=a%26b"
        );
    }
}
