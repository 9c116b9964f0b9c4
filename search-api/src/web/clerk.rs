//! The clerk's pages (operators see them too): one search box with filters and facets, the
//! search kept in the URL; a document with its previews, download, history and "reuse in a
//! dossier". A clerk's reads name the dossier being handled and the purpose; both travel in the
//! URL from the search to the document, its previews and its download, so each read is ledgered
//! with them.

use super::layout::{self, date, instant, query_string, state_badge, trusted_html, validity};
use super::WebUser;
use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::routes::accounts::user_list;
use crate::routes::documents::{
    document_detail, original_response, percent_encode, preview_response, reuse_document,
};
use crate::routes::lifecycle::{revoke_document, supersede_document, supersede_reason};
use crate::routes::reason_of;
use crate::routes::search::{search_request, search_view};
use crate::state::AppState;
use crate::wire::{
    DocumentDetail, GivesReason, PreviewParams, ReasonParams, ReuseRequest, SearchParams,
    SearchView,
};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use schemas::Role;

/// Hits per page.
const PAGE_SIZE: usize = 20;
/// Previews shown on a document page; the rest are in the download.
const MAX_PREVIEWS: u32 = 12;

/// The reason of a read as query parameters, to carry it on to the next page.
fn reason_pairs(r: &impl GivesReason) -> [(&'static str, String); 3] {
    let [dossier_code, procedure_code, purpose] =
        r.reason_fields().map(|f| f.unwrap_or_default().to_string());
    [
        ("dossier_code", dossier_code),
        ("procedure_code", procedure_code),
        ("purpose", purpose),
    ]
}

pub(super) fn with_reason(path: &str, reason: &impl GivesReason, extra: &[(&str, &str)]) -> String {
    let pairs = reason_pairs(reason);
    let mut all: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    all.extend_from_slice(extra);
    let query = query_string(&all);
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

/// The search's address with some parameters replaced (facet links, pages).
fn search_url(p: &SearchParams, set: &[(&str, &str)]) -> String {
    let valid_only = if p.valid_only == Some(true) {
        "true"
    } else {
        ""
    };
    let offset = p.offset.map(|o| o.to_string()).unwrap_or_default();
    let mut pairs: Vec<(&str, String)> = vec![
        ("q", p.q.clone().unwrap_or_default()),
        ("type", p.doc_type.clone().unwrap_or_default()),
        ("issuer", p.issuer.clone().unwrap_or_default()),
        ("place", p.place.clone().unwrap_or_default()),
        ("owner", p.owner.clone().unwrap_or_default()),
        ("from", p.from.clone().unwrap_or_default()),
        ("to", p.to.clone().unwrap_or_default()),
        ("valid_only", valid_only.to_string()),
        ("sort", p.sort.clone().unwrap_or_default()),
        ("offset", offset),
    ];
    pairs.extend(reason_pairs(p));
    for (key, value) in set {
        match pairs.iter_mut().find(|(k, _)| k == key) {
            Some(pair) => pair.1 = value.to_string(),
            None => pairs.push((key, value.to_string())),
        }
    }
    let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    format!("/?{}", query_string(&borrowed))
}

fn filled(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|v| !v.trim().is_empty())
}

/// `/`: the search for clerks and operators; citizens go to their documents, admins see the
/// accounts.
pub async fn home(
    State(state): State<AppState>,
    user: WebUser,
    params: Result<Query<SearchParams>, ApiError>,
) -> Response {
    match user.caller.role() {
        Role::Citizen => return Redirect::to("/my").into_response(),
        Role::Admin => {
            let users = user_list(&state, user.caller.clone()).await;
            return user.respond(users.map(|users| {
                user.page(
                    "Tài khoản",
                    html! {
                        p { "Thêm người dùng bằng lệnh " code { "kho user add" } "; người quản trị không xem giấy tờ của công dân." }
                        table {
                            thead { tr { th { "Tên" } th { "Vai trò" } th { "Cơ quan / chủ sở hữu" } th { "Tạo lúc" } } }
                            tbody {
                                @for u in &users {
                                    tr {
                                        td { (u.principal.name) }
                                        td { (layout::role_name_str(&u.principal.role)) }
                                        td { (u.principal.agency_code.as_deref().map(|c| state.archive.agencies().display(c)).or(u.principal.owner_id.clone()).unwrap_or_default()) }
                                        td { (instant(&u.created_at)) }
                                    }
                                }
                            }
                        }
                    },
                )
            }));
        }
        Role::Clerk | Role::Operator => {}
    }
    let result = async {
        let Query(mut params) = params?;
        params.limit = Some(PAGE_SIZE);
        let asked = filled(&params.q)
            || filled(&params.doc_type)
            || filled(&params.issuer)
            || filled(&params.place)
            || filled(&params.owner)
            || filled(&params.from)
            || filled(&params.to);
        let outcome = if asked {
            let outcome = match search_request(&params) {
                Ok((request, reason)) => {
                    search_view(&state, user.caller.clone(), request, reason).await
                }
                Err(e) => Err(e),
            };
            Some(outcome)
        } else {
            None
        };
        Ok(user.page(
            "Tra cứu giấy tờ",
            search_page(&state, &user, &params, outcome),
        ))
    }
    .await;
    user.respond(result)
}

fn search_page(
    state: &AppState,
    user: &WebUser,
    p: &SearchParams,
    outcome: Option<Result<SearchView, ApiError>>,
) -> Markup {
    let is_clerk = user.caller.role() == Role::Clerk;
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    html! {
        form.search method="get" action="/" role="search" {
            div.reason {
                div {
                    label for="dossier_code" { "Mã hồ sơ đang xử lý" @if is_clerk { " *" } }
                    input #dossier_code name="dossier_code" value=(value(&p.dossier_code))
                        placeholder="000.00.00.H29-261127-0001" required[is_clerk];
                }
                div {
                    label for="purpose" { "Mục đích tra cứu" @if is_clerk { " *" } }
                    input #purpose name="purpose" value=(value(&p.purpose))
                        placeholder="Giải quyết thủ tục ..." required[is_clerk];
                }
            }
            div.query {
                label for="q" { "Từ khóa (có dấu hoặc không dấu, số định danh, mã hồ sơ)" }
                input #q type="search" name="q" value=(value(&p.q)) autofocus
                    placeholder="nguyen van duc giay khai sinh";
                button type="submit" { "Tìm" }
            }
            details.filters open[!active_filters(state, p).is_empty()] {
                summary { "Bộ lọc" }
                div.grid {
                    div {
                        label for="type" { "Loại giấy tờ" }
                        select #type name="type" {
                            option value="" { "Tất cả" }
                            @for t in state.archive.doc_types().iter() {
                                option value=(t.key) selected[p.doc_type.as_deref() == Some(t.key.as_str())] { (t.title) }
                            }
                        }
                    }
                    div {
                        label for="issuer" { "Cơ quan cấp" }
                        input #issuer name="issuer" value=(value(&p.issuer)) list="issuers"
                            placeholder="so tai nguyen, quang nam" autocomplete="off";
                        datalist #issuers {
                            @if let Some(Ok(view)) = &outcome {
                                @for issuer in view.facets.issuer.keys() { option value=(issuer) {} }
                            }
                        }
                    }
                    div {
                        label for="place" { "Địa danh (tên cũ hoặc mới)" }
                        input #place name="place" value=(value(&p.place)) placeholder="xã Núi Thành, Đà Nẵng";
                    }
                    div {
                        label for="owner" { "Số định danh chủ sở hữu" }
                        input #owner name="owner" value=(value(&p.owner)) inputmode="numeric";
                    }
                    div {
                        label for="from" { "Cấp từ ngày" }
                        input #from type="text" inputmode="numeric" name="from" placeholder="dd/mm/yyyy"
                            value=(given_date(&p.from));
                    }
                    div {
                        label for="to" { "Đến ngày" }
                        input #to type="text" inputmode="numeric" name="to" placeholder="dd/mm/yyyy"
                            value=(given_date(&p.to));
                    }
                    div {
                        label for="sort" { "Sắp xếp" }
                        select #sort name="sort" {
                            option value="relevance" { "Phù hợp nhất" }
                            option value="date" selected[p.sort.as_deref() == Some("date")] { "Ngày cấp mới nhất" }
                        }
                    }
                    div.check {
                        input #valid_only type="checkbox" name="valid_only" value="true" checked[p.valid_only == Some(true)];
                        label for="valid_only" { "Chỉ giấy tờ còn hiệu lực" }
                    }
                }
            }
        }
        @match outcome {
            None => {
                p.hint { "Gõ tên, số định danh, loại giấy tờ hoặc nội dung; gõ không dấu cũng được. "
                    "Dùng \"ngoặc kép\" cho cụm từ, " code { "nguy*" } " cho tiền tố, " code { "-tu" } " để loại trừ." }
            }
            Some(Err(e)) => {
                div.alert role="alert" { (super::problem_details(&e)) }
            }
            Some(Ok(view)) => { (results(state, p, &view)) }
        }
    }
}

/// A filter in use, shown as a chip that removes it.
struct Chip {
    label: &'static str,
    value: String,
    /// The parameters that clear it (and go back to the first page).
    clear: Vec<(&'static str, &'static str)>,
}

/// The filters of a search in use, owner included: they open the filter panel and are shown
/// as chips above the results.
fn active_filters(state: &AppState, p: &SearchParams) -> Vec<Chip> {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let mut chips = Vec::new();
    let mut push = |label, value: Option<String>, key: &'static str| {
        if let Some(value) = value {
            chips.push(Chip {
                label,
                value,
                clear: vec![(key, ""), ("offset", "")],
            });
        }
    };
    push(
        "Loại giấy tờ",
        given(&p.doc_type).map(|k| layout::doc_type_title(state, &k)),
        "type",
    );
    push("Cơ quan cấp", given(&p.issuer), "issuer");
    push("Địa danh", given(&p.place), "place");
    push("Chủ sở hữu", given(&p.owner), "owner");
    push(
        "Cấp từ ngày",
        given(&p.from).map(|d| shown_date(&d)),
        "from",
    );
    push("Đến ngày", given(&p.to).map(|d| shown_date(&d)), "to");
    if p.valid_only == Some(true) {
        push("Hiệu lực", Some("còn hiệu lực".to_string()), "valid_only");
    }
    chips
}

/// A date filter as its box shows it: dd/mm/yyyy (the year facet's links give ISO dates).
fn given_date(v: &Option<String>) -> String {
    v.as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(shown_date)
        .unwrap_or_default()
}

/// A date of the address (ISO or as typed) as people read it: dd/mm/yyyy.
fn shown_date(typed: &str) -> String {
    schemas::parse_date(typed).map_or_else(|_| typed.to_string(), |d| date(&schemas::iso_date(d)))
}

fn results(state: &AppState, p: &SearchParams, view: &SearchView) -> Markup {
    let offset = p.offset.unwrap_or(0);
    let type_title = |key: &str| layout::doc_type_title(state, key);
    html! {
        div.results {
            section aria-live="polite" {
                @for place in &view.place_expansion {
                    p.places {
                        "Địa danh " strong { (place.typed) }
                        @if let Some(unit) = place.units.first() { " = " (unit.name) }
                        @if let Some(note) = &place.note { ": " (note) }
                    }
                }
                @if !view.vocabulary_expansion.is_empty() {
                    p.vocabulary {
                        "tìm cả: "
                        @for (i, term) in view.vocabulary_expansion.iter().enumerate() {
                            @if i > 0 { " · " }
                            (term.described)
                        }
                    }
                }
                @let chips = active_filters(state, p);
                @if !chips.is_empty() {
                    ul.chips aria-label="Bộ lọc đang dùng" {
                        @for chip in &chips {
                            li {
                                span { (chip.label) ": " strong { (chip.value) } }
                                " "
                                a href=(search_url(p, &chip.clear)) aria-label=(format!("Bỏ lọc {}: {}", chip.label, chip.value)) title="Bỏ lọc này" { "✕" }
                            }
                        }
                    }
                }
                p.count { "Tìm thấy " strong { (view.total) } " giấy tờ" }
                ol.hits start=(offset + 1) {
                    @for hit in &view.hits {
                        li.hit {
                            // The first page, small: the same ledgered preview route; the link
                            // repeats the title's, so it is left out of the keyboard's path.
                            a.thumb href=(with_reason(&format!("/documents/{}", hit.id), p, &[])) tabindex="-1" aria-hidden="true" {
                                img loading="lazy" width="100" alt=""
                                    src=(with_reason(&format!("/documents/{}/pages/1/preview", hit.id), p, &[("width", "200")]));
                            }
                            h2 { a href=(with_reason(&format!("/documents/{}", hit.id), p, &[])) { (hit.title) } }
                            p.meta {
                                (state_badge(hit.state)) " "
                                (hit.owner_name.as_deref().unwrap_or("")) " · " (hit.owner_id)
                                " · " (type_title(&hit.doc_type))
                                @if let Some(number) = &hit.doc_number { " · số " span.number { (number) } }
                                @if let Some(issuer) = &hit.issuer { " · " (issuer) }
                                @if let Some(on) = &hit.issued_on { " · cấp ngày " (date(on)) }
                            }
                            @if !hit.snippet.is_empty() { p.snippet { (trusted_html(&hit.snippet)) } }
                        }
                    }
                }
                nav.pages aria-label="Trang kết quả" {
                    @if offset > 0 {
                        a rel="prev" href=(search_url(p, &[("offset", &offset.saturating_sub(PAGE_SIZE).to_string())])) { "← Trang trước" }
                    }
                    @if offset + view.hits.len() < view.total {
                        a rel="next" href=(search_url(p, &[("offset", &(offset + PAGE_SIZE).to_string())])) { "Trang sau →" }
                    }
                }
            }
            aside.facets aria-label="Thu hẹp kết quả" {
                @if !view.facets.doc_type.is_empty() {
                    h2 { "Loại giấy tờ" }
                    ul { @for (key, n) in &view.facets.doc_type {
                        li { a href=(search_url(p, &[("type", key), ("offset", "")])) { (type_title(key)) } " (" (n) ")" }
                    } }
                }
                @if !view.facets.issuer.is_empty() {
                    h2 { "Cơ quan cấp" }
                    ul { @for (issuer, n) in &view.facets.issuer {
                        li { a href=(search_url(p, &[("issuer", issuer), ("offset", "")])) { (issuer) } " (" (n) ")" }
                    } }
                }
                @if !view.facets.province.is_empty() {
                    h2 { "Tỉnh, thành phố (hiện nay)" }
                    ul { @for (name, n) in &view.facets.province {
                        li { a href=(search_url(p, &[("place", name), ("offset", "")])) { (name) } " (" (n) ")" }
                    } }
                }
                @if !view.facets.commune.is_empty() {
                    h2 { "Xã, phường (hiện nay)" }
                    ul { @for (name, n) in &view.facets.commune {
                        li { a href=(search_url(p, &[("place", name), ("offset", "")])) { (name) } " (" (n) ")" }
                    } }
                }
                @if !view.facets.year.is_empty() {
                    h2 { "Năm cấp" }
                    ul { @for (year, n) in view.facets.year.iter().rev() {
                        li { a href=(search_url(p, &[("from", &format!("{year}-01-01")), ("to", &format!("{year}-12-31")), ("offset", "")])) { (year) } " (" (n) ")" }
                    } }
                }
            }
        }
    }
}

#[derive(serde::Deserialize, Default)]
pub struct DocumentQuery {
    #[serde(flatten)]
    reason: ReasonParams,
    /// `reuse` after a reuse was recorded.
    done: Option<String>,
}

/// A document: metadata, state, previews, download, history and (for clerks) reuse.
pub async fn document(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    query: Result<Query<DocumentQuery>, ApiError>,
) -> Response {
    let result = async {
        let Query(query) = query?;
        let reason = query.reason;
        let detail = document_detail(&state, user.caller.clone(), id, reason_of(&reason)?).await?;
        let title = detail.document.title.clone();
        Ok(user.page(
            &title,
            document_page(
                &user,
                &detail,
                &reason,
                query.done.as_deref(),
                state.archive.agencies(),
            ),
        ))
    }
    .await;
    user.respond(result)
}

fn document_page(
    user: &WebUser,
    detail: &DocumentDetail,
    reason: &ReasonParams,
    done: Option<&str>,
    agencies: &schemas::Agencies,
) -> Markup {
    let reason_params = reason;
    let d = &detail.document;
    let base = format!("/documents/{}", d.id);
    let shown = d.pages.min(MAX_PREVIEWS);
    let row = |label: &str, value: Option<String>| {
        html! { @if let Some(v) = value { div { dt { (label) } dd { (v) } } } }
    };
    html! {
        @if done == Some("reuse") {
            div.notice role="status" #da-tai-su-dung {
                p { "Đã ghi nhận tái sử dụng giấy tờ này cho hồ sơ "
                    strong { (reason.dossier_code.as_deref().unwrap_or("")) } "." }
            }
        }
        p.state { (state_badge(d.state)) " " (validity(d.valid_until.as_deref())) }
        @for sig in &d.signatures { p.signature { (layout::signature_badge(sig)) } }
        @match &d.lifecycle {
            schemas::Lifecycle::Revoked { reason, at, .. } => {
                p.lifecycle { "Thu hồi ngày " (instant(&crate::wire::rfc3339(*at))) ". Lý do: " (reason) }
            }
            schemas::Lifecycle::Superseded { successor, reason, at, .. } => {
                p.lifecycle {
                    "Được thay thế ngày " (instant(&crate::wire::rfc3339(*at))) " (" (layout::supersede_reason(*reason)) ") bởi "
                    a href=(with_reason(&format!("/documents/{successor}"), reason_params, &[])) { "giấy tờ mới" } "."
                }
            }
            schemas::Lifecycle::Active => {}
        }
        @if let Some(today) = &detail.issuer_today {
            p.issuer-today #co-quan-hien-nay { (today.note) }
        }
        dl.metadata {
            (row("Loại giấy tờ", Some(d.doc_type_title.clone().unwrap_or_else(|| d.doc_type.clone()))))
            (row("Chủ sở hữu", Some(format!("{} · {}", d.owner_name.as_deref().unwrap_or(""), d.owner_id))))
            (row("Số, ký hiệu", d.doc_number.clone()))
            (row("Cơ quan cấp", d.issuer.clone()))
            (row("Mã cơ quan cấp", d.issuer_code.as_deref().map(|c| agencies.display(c))))
            (row("Ngày cấp", d.issued_on.as_deref().map(date)))
            (row("Người ký", d.signer.clone()))
            (row("Phạm vi hiệu lực", d.validity_scope.clone()))
            (row("Mã hồ sơ gốc", d.dossier_code.clone()))
            (row("Mã thủ tục", d.procedure_code.clone()))
            (row("Tóm tắt", d.summary.clone()))
            (row("Số trang", Some(d.pages.to_string())))
            (row("Mã băm SHA-256", Some(d.sha256.clone())))
            (row("Lưu vào kho lúc", Some(instant(&d.ingested_at))))
            (row("Địa danh", (!d.places.is_empty()).then(|| {
                d.places
                    .iter()
                    .map(|p| format!("{} ({})", p.name, p.era.label()))
                    .collect::<Vec<_>>()
                    .join("; ")
            })))
        }
        p.actions {
            a.button href=(with_reason(&format!("{base}/content"), reason, &[])) download { "Tải bản gốc (" (d.format.to_uppercase()) ", " (d.size / 1024 + 1) " KB)" }
        }
        @if user.caller.role() == Role::Clerk {
            section.reuse aria-labelledby="tieu-de-tai-su-dung" {
                h2 #tieu-de-tai-su-dung { "Tái sử dụng trong hồ sơ" }
                @if d.reusable {
                    form method="post" action=(format!("{base}/reuse")) {
                        input type="hidden" name="csrf" value=(user.csrf);
                        div {
                            label for="reuse_dossier" { "Mã hồ sơ *" }
                            input #reuse_dossier name="dossier_code" required value=(reason.dossier_code.clone().unwrap_or_default());
                        }
                        div {
                            label for="reuse_procedure" { "Mã thủ tục" }
                            input #reuse_procedure name="procedure_code" value=(reason.procedure_code.clone().unwrap_or_default());
                        }
                        div.wide {
                            label for="reuse_purpose" { "Mục đích *" }
                            input #reuse_purpose name="purpose" required value=(reason.purpose.clone().unwrap_or_default());
                        }
                        div { button type="submit" { "Tái sử dụng" } }
                    }
                } @else {
                    p { "Giấy tờ không còn hiệu lực nên không thể tái sử dụng." }
                }
            }
        }
        @if user.caller.role() == Role::Operator && matches!(d.lifecycle, schemas::Lifecycle::Active) {
            section.lifecycle-actions aria-labelledby="tieu-de-vong-doi" {
                h2 #tieu-de-vong-doi { "Thu hồi hoặc thay thế" }
                p.hint { "Không hoàn tác được: giấy tờ vẫn được lưu, lịch sử ghi lại ai làm và vì sao." }
                form.inline method="post" action=(format!("{base}/lifecycle")) {
                    input type="hidden" name="csrf" value=(user.csrf);
                    input type="hidden" name="change" value="revoke";
                    div.wide {
                        label for="revoke_reason" { "Lý do thu hồi *" }
                        input #revoke_reason name="reason" required;
                    }
                    div { button type="submit" { "Thu hồi" } }
                }
                p { a.button #chon-thay-the href=(with_reason(&format!("{base}/supersede"), reason, &[])) { "Thay thế bằng giấy tờ khác của cùng chủ sở hữu…" } }
            }
        }
        @if matches!(user.caller.role(), Role::Clerk | Role::Operator) {
            section.copies aria-labelledby="tieu-de-ban-sao" {
                h2 #tieu-de-ban-sao { "Bản sao điện tử có chứng thực" }
                @if detail.certified_copies.is_empty() {
                    p { "Chưa cấp bản sao nào." }
                } @else {
                    table {
                        thead { tr { th { "Mã kiểm tra" } th { "Thời điểm" } th { "Người cấp" } th { "Cơ quan ký" } th { "Hồ sơ" } } }
                        tbody {
                            @for c in &detail.certified_copies {
                                tr {
                                    td { a href=(format!("/verify/{}", c.code)) { (c.code) } }
                                    td { (instant(&crate::wire::rfc3339(c.certified_at))) }
                                    td { (c.certified_by) }
                                    td { (c.agency.as_deref().unwrap_or("")) }
                                    td { (c.dossier_code.as_deref().unwrap_or("")) }
                                }
                            }
                        }
                    }
                }
                form method="post" action=(format!("{base}/certify")) {
                    input type="hidden" name="csrf" value=(user.csrf);
                    div {
                        label for="certify_dossier" { "Mã hồ sơ" @if user.caller.role() == Role::Clerk { " *" } }
                        input #certify_dossier name="dossier_code" required[user.caller.role() == Role::Clerk] value=(reason.dossier_code.clone().unwrap_or_default());
                    }
                    div.wide {
                        label for="certify_purpose" { "Mục đích" @if user.caller.role() == Role::Clerk { " *" } }
                        input #certify_purpose name="purpose" required[user.caller.role() == Role::Clerk] value=(reason.purpose.clone().unwrap_or_default());
                    }
                    div { button type="submit" { "Cấp bản sao có chứng thực (PDF)" } }
                }
            }
        }
        section aria-labelledby="tieu-de-trang" {
            h2 #tieu-de-trang { "Các trang" }
            @if d.pages > shown { p { "Hiển thị " (shown) " / " (d.pages) " trang; tải bản gốc để xem đủ." } }
            div.previews {
                @for n in 1..=shown {
                    figure #(format!("trang-{n}")) {
                        // Click to enlarge: the page at 1600 px (the widest preview drawn).
                        a.zoom href=(with_reason(&format!("{base}/pages/{n}"), reason, &[("width", "1600")]))
                            title="Bấm để phóng to" {
                            img loading="lazy" width="400"
                                src=(with_reason(&format!("{base}/pages/{n}/preview"), reason, &[("width", "800")]))
                                alt=(format!("Trang {n} của {}, bấm để phóng to", d.title));
                        }
                        figcaption { "Trang " (n) " · " a href=(with_reason(&format!("{base}/pages/{n}"), reason, &[("width", "1600")])) { "Phóng to" } }
                    }
                }
            }
        }
        section aria-labelledby="tieu-de-lich-su" {
            h2 #tieu-de-lich-su { "Lịch sử" }
            table {
                thead { tr { th { "Thời điểm" } th { "Việc" } th { "Người thực hiện" } th { "Ghi chú" } } }
                tbody {
                    @for e in &detail.history {
                        tr {
                            td { (instant(&e.at)) }
                            td { (layout::action_name(&e.action)) }
                            td { (e.actor) }
                            td { (layout::event_note(e)) }
                        }
                    }
                }
            }
        }
    }
}

/// The original bytes (with ranges), answered as the API answers them: the same service, the
/// same checks, the same ledger.
pub async fn download(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    reason: Result<Query<ReasonParams>, ApiError>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let Query(reason) = reason?;
        let reason = reason_of(&reason)?;
        original_response(&state, user.caller.clone(), id, reason, &headers, false).await
    }
    .await;
    user.respond(result)
}

/// A page preview, answered as the API answers it.
pub async fn preview(
    State(state): State<AppState>,
    user: WebUser,
    Path((id, page)): Path<(String, u32)>,
    params: Result<Query<PreviewParams>, ApiError>,
) -> Response {
    let result = async {
        let Query(params) = params?;
        let reason = reason_of(&params)?;
        preview_response(&state, user.caller.clone(), id, page, params.width, reason).await
    }
    .await;
    user.respond(result)
}

#[derive(serde::Deserialize)]
pub struct ReuseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    dossier_code: String,
    #[serde(default)]
    procedure_code: String,
    #[serde(default)]
    purpose: String,
}

/// Records a reuse, then shows the document again with a confirmation.
pub async fn reuse(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<ReuseForm>,
) -> Response {
    let result = async {
        user.check_csrf(&headers, &form.csrf)?;
        let procedure = Some(form.procedure_code.clone()).filter(|p| !p.trim().is_empty());
        let asked = reason_of(&ReuseRequest {
            dossier_code: form.dossier_code.clone(),
            procedure_code: procedure.clone(),
            purpose: form.purpose.clone(),
        })?;
        reuse_document(&state, user.caller.clone(), id.clone(), asked).await?;
        let reason = ReasonParams {
            dossier_code: Some(form.dossier_code.trim().to_string()),
            procedure_code: procedure,
            purpose: Some(form.purpose.trim().to_string()),
        };
        let target = with_reason(
            &format!("/documents/{}", percent_encode(&id)),
            &reason,
            &[("done", "reuse")],
        );
        Ok(Redirect::to(&target).into_response())
    }
    .await;
    user.respond(result)
}

#[derive(serde::Deserialize)]
pub struct LifecycleForm {
    #[serde(default)]
    csrf: String,
    /// `revoke` or `supersede`.
    change: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    successor: String,
    /// `yes` once the operator confirmed on the confirmation page: the change is final.
    #[serde(default)]
    confirm: String,
}

/// The page that asks an operator to confirm a revocation or supersession before it is made:
/// the same form again, confirmed, or back to the document.
fn confirm_lifecycle(user: &WebUser, id: &str, form: &LifecycleForm) -> Response {
    let base = format!("/documents/{}", percent_encode(id));
    let revoke = form.change == "revoke";
    let title = if revoke {
        "Xác nhận thu hồi giấy tờ"
    } else {
        "Xác nhận thay thế giấy tờ"
    };
    user.page(
        title,
        html! {
            div.alert #xac-nhan-vong-doi role="alert" {
                @if revoke {
                    p { "Thu hồi giấy tờ này? Việc thu hồi " strong { "không hoàn tác được" } ": giấy tờ vẫn được lưu nhưng không còn hiệu lực để dùng lại." }
                    p { "Lý do: " strong { (form.reason) } }
                } @else {
                    p { "Thay thế giấy tờ này bằng giấy tờ " strong { (form.successor) } "? Việc thay thế " strong { "không hoàn tác được" } "." }
                }
            }
            form.inline.confirm method="post" action=(format!("{base}/lifecycle")) {
                input type="hidden" name="csrf" value=(user.csrf);
                input type="hidden" name="change" value=(form.change);
                input type="hidden" name="reason" value=(form.reason);
                input type="hidden" name="successor" value=(form.successor);
                input type="hidden" name="confirm" value="yes";
                div { button #xac-nhan type="submit" { @if revoke { "Xác nhận thu hồi" } @else { "Xác nhận thay thế" } } }
                div { a.button.secondary #huy href=(base) { "Hủy, quay lại giấy tờ" } }
            }
        },
    )
}

/// Revokes or supersedes a document (operators), through the services the API calls, once the
/// operator has confirmed it on a page of its own (both are final).
pub async fn change_lifecycle(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<LifecycleForm>,
) -> Response {
    let result = async {
        user.check_csrf(&headers, &form.csrf)?;
        if form.confirm != "yes" && matches!(form.change.as_str(), "revoke" | "supersede") {
            return Ok(confirm_lifecycle(&user, &id, &form));
        }
        match form.change.as_str() {
            "revoke" => {
                revoke_document(&state, user.caller.clone(), id.clone(), form.reason).await?
            }
            "supersede" => {
                let reason = supersede_reason(&form.reason)?;
                let successor = form.successor.trim().to_string();
                supersede_document(&state, user.caller.clone(), id.clone(), successor, reason)
                    .await?
            }
            other => {
                return Err(ApiError::BadRequest(format!(
                    "unknown change {other:?}: revoke or supersede"
                )))
            }
        };
        Ok(Redirect::to(&format!("/documents/{}", percent_encode(&id))).into_response())
    }
    .await;
    user.respond(result)
}

/// The form of a certified copy: the API's handler makes and records it; the browser downloads it.
pub async fn certify(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<CertifyForm>,
) -> Response {
    let result = async {
        user.check_csrf(&headers, &form.csrf)?;
        let reason = reason_of(&crate::wire::CertifyRequestBody {
            dossier_code: form.dossier_code.filter(|v| !v.trim().is_empty()),
            procedure_code: None,
            purpose: form.purpose.filter(|v| !v.trim().is_empty()),
        })?;
        let (copy, bytes) =
            crate::routes::trust::certify_copy(&state, user.caller.clone(), id, reason).await?;
        Ok(crate::routes::trust::copy_response(&copy, bytes))
    }
    .await;
    user.respond(result)
}

#[derive(Debug, serde::Deserialize)]
pub struct CertifyForm {
    csrf: String,
    dossier_code: Option<String>,
    purpose: Option<String>,
}
