//! The clerk's pages (operators see them too): one search box with filters and facets, the
//! search kept in the URL; a document with its previews, download, history and "reuse in a
//! dossier". A clerk's reads name the dossier being handled and the purpose; both travel in the
//! URL from the search to the document, its previews and its download, so each read is ledgered
//! with them.

use super::layout::{self, date, instant, query_string, state_badge, trusted_html, validity};
use super::{forms, WebUser};
use crate::error::ApiError;
use crate::extract::PageForm;
use crate::extract::{PagePath, Query};
use crate::routes::accounts::user_list;
use crate::routes::documents::{
    document_detail, original_response, percent_encode, preview_response, reuse_document,
};
use crate::routes::lifecycle::{revoke_document, supersede_document, supersede_reason};
use crate::routes::reason_of;
use crate::routes::search::{search_request, search_view};
use crate::state::AppState;
use crate::wire::{
    DocumentDetail, GivesReason, PreviewParams, ReasonParams, SearchParams, SearchView,
};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
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

/// The reason a page was read with, as parameters to carry on.
fn reason_params(r: &impl GivesReason) -> ReasonParams {
    let [dossier_code, procedure_code, purpose] = r.reason_fields().map(|f| f.map(str::to_string));
    ReasonParams {
        dossier_code,
        procedure_code,
        purpose,
    }
}

/// Where "Quay lại kết quả" leads: a search of this site (`/?...`), never elsewhere.
fn back_to_results(from: Option<&str>) -> Option<&str> {
    from.filter(|f| f.starts_with("/?") && !f.contains("//") && !f.contains('\\'))
}

/// The search page's parameters read one by one: a value that cannot be read (`offset=-1`,
/// `valid_only=maybe`) is left out and named, the rest kept.
fn lenient_search_params(raw: &str) -> (SearchParams, Vec<schemas::FieldError>) {
    let read = |query: &str| -> Option<SearchParams> {
        let uri: axum::http::Uri = format!("/?{query}").parse().ok()?;
        axum::extract::Query::<SearchParams>::try_from_uri(&uri)
            .ok()
            .map(|axum::extract::Query(p)| p)
    };
    if let Some(params) = read(raw) {
        return (params, Vec::new());
    }
    let mut kept = Vec::new();
    let mut unreadable = Vec::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        if read(pair).is_some() {
            kept.push(pair);
            continue;
        }
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        // As a query string is read: `+` is a space, then `%XX`.
        let decode = |s: &str| layout::percent_decoded(&s.replace('+', " "));
        let expected = match name {
            "offset" | "limit" => &schemas::messages::QUERY_VALUE_NOT_A_COUNT,
            "valid_only" => &schemas::messages::QUERY_VALUE_NOT_YES_NO,
            _ => &schemas::messages::QUERY_VALUE_UNREADABLE,
        };
        unreadable.push(schemas::RuleError::new(expected).at(&decode(name), &decode(value)));
    }
    (read(&kept.join("&")).unwrap_or_default(), unreadable)
}

fn filled(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|v| !v.trim().is_empty())
}

/// `/`: the search for clerks and operators; citizens go to their documents, admins see the
/// accounts.
pub async fn home(
    State(state): State<AppState>,
    user: WebUser,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Response {
    match user.caller.role() {
        Role::Citizen => return Redirect::to("/my").into_response(),
        Role::Leader => return Redirect::to("/dashboard").into_response(),
        Role::Intake => {
            return user.page(
                "Hệ thống một cửa",
                html! {
                    p { "Tài khoản này là của hệ thống một cửa: nó đăng ký hồ sơ đã tiếp nhận qua "
                        code { "POST /api/v1/dossiers" } " và không xem giấy tờ." }
                },
            )
        }
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
        let (mut params, unreadable) = lenient_search_params(raw.as_deref().unwrap_or(""));
        params.limit = Some(PAGE_SIZE);
        let asked = filled(&params.q)
            || filled(&params.doc_type)
            || filled(&params.issuer)
            || filled(&params.place)
            || filled(&params.owner)
            || filled(&params.from)
            || filled(&params.to);
        let outcome = if !unreadable.is_empty() {
            // A value that cannot be read is said under its field, the form kept (never a
            // dead end that loses the dossier and the words typed).
            Some(Err(ApiError::fields(schemas::FieldErrors(unreadable))))
        } else if asked {
            let outcome = match search_request(&params, &user.caller) {
                Ok((request, reason)) => {
                    search_view(&state, user.caller.clone(), request, reason).await
                }
                Err(e) => Err(e),
            };
            Some(outcome)
        } else {
            None
        };
        Ok(user.page_in_dossier(
            "Tra cứu giấy tờ",
            &reason_params(&params),
            search_page(&state, &user, &params, outcome),
        ))
    }
    .await;
    user.respond(result)
}

/// What a clerk's search for a registered dossier covers (only its applicants' papers, and
/// papers shared with it), said beside the count: "0 giấy tờ" must not read as "the paper does
/// not exist".
fn dossier_scope(state: &AppState, user: &WebUser, p: &SearchParams) -> Option<String> {
    if user.caller.role() != Role::Clerk
        || state.archive.dossier_check() != schemas::DossierCheck::Registered
    {
        return None;
    }
    let code = p
        .dossier_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())?;
    Some(format!(
        "Chỉ tìm trong giấy tờ của người nộp hồ sơ {code}. Giấy tờ của người khác chỉ xem được khi họ chia sẻ cho hồ sơ."
    ))
}

fn search_page(
    state: &AppState,
    user: &WebUser,
    p: &SearchParams,
    outcome: Option<Result<SearchView, ApiError>>,
) -> Markup {
    let is_clerk = user.caller.role() == Role::Clerk;
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let messages = forms::FieldMessages::of(outcome.as_ref().and_then(|o| o.as_ref().err()));
    let (dossier_value, purpose_value) = (value(&p.dossier_code), value(&p.purpose));
    let example = forms::example_dossier_code(&user.caller);
    html! {
        form.search method="get" action="/" role="search" {
            div.reason {
                div {
                    (forms::TextField {
                        id: "dossier_code", name: "dossier_code", label: "Mã hồ sơ đang xử lý",
                        value: &dossier_value, required: is_clerk, placeholder: Some(&example),
                        fields: &["dossier_code"],
                    }.render(&messages))
                }
                div {
                    (forms::TextField {
                        id: "purpose", name: "purpose", label: "Mục đích tra cứu",
                        value: &purpose_value, required: is_clerk,
                        placeholder: Some("Giải quyết thủ tục ..."), fields: &["purpose"],
                    }.render(&messages))
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
                    "Đặt cụm từ trong \"ngoặc kép\" để tìm đúng cụm đó; thêm dấu * sau phần đầu của từ (nguy*) để tìm mọi từ bắt đầu như vậy." }
            }
            Some(Err(_)) if !messages.is_empty() => {
                div.alert role="alert" {
                    p { "Vui lòng sửa các mục được đánh dấu rồi tìm lại." }
                    @let others = messages.others(&["dossier_code", "purpose"]);
                    @if !others.is_empty() {
                        ul.errors { @for (field, m) in others {
                            li { strong { (layout::field_label(field)) } ": " (m) }
                        } }
                    }
                }
            }
            Some(Err(e)) => {
                div.alert role="alert" { (super::problem_details(&e)) }
            }
            Some(Ok(view)) => { (results(state, user, p, &view)) }
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

fn results(state: &AppState, user: &WebUser, p: &SearchParams, view: &SearchView) -> Markup {
    let offset = p.offset.unwrap_or(0);
    let type_title = |key: &str| layout::doc_type_title(state, key);
    html! {
        div.results {
            a.skip #bo-qua-den-ket-qua href="#ket-qua" { "Bỏ qua, đến kết quả" }
            section #ket-qua tabindex="-1" aria-live="polite" {
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
                @if let Some(scope) = dossier_scope(state, user, p) {
                    p.scope { (scope) }
                }
                ol.hits start=(offset + 1) {
                    @for hit in &view.hits {
                        li.hit {
                            // The first page, small: the same ledgered preview route; the link
                            // repeats the title's, so it is left out of the keyboard's path.
                            a.thumb href=(with_reason(&format!("/documents/{}", hit.id), p, &[("from", &search_url(p, &[]))])) tabindex="-1" aria-hidden="true" {
                                img loading="lazy" width="100" alt=""
                                    src=(with_reason(&format!("/documents/{}/pages/1/preview", hit.id), p, &[("width", "200")]));
                            }
                            h2 { a href=(with_reason(&format!("/documents/{}", hit.id), p, &[("from", &search_url(p, &[]))])) { (hit.title) } }
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
    /// `reuse` after a reuse: the page then confirms the clerk's latest reuse for the dossier
    /// as the ledger has it (an address alone confirms nothing).
    done: Option<String>,
    /// The search the clerk came from (`/?...`), for "Quay lại kết quả".
    from: Option<String>,
    /// A page view's width (800 or 1600). Text, since a flattened query reads every value as
    /// text.
    width: Option<String>,
}

/// A document: metadata, state, previews, download, history and (for clerks) reuse.
pub async fn document(
    State(state): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<String>,
    query: Result<Query<DocumentQuery>, ApiError>,
) -> Response {
    let result = async {
        let Query(query) = query?;
        let reason = query.reason.clone();
        let detail = match read_for_page(&state, &user, &id, &query).await? {
            Ok(detail) => detail,
            Err(form) => return Ok(form),
        };
        let title = detail.document.title.clone();
        Ok(user.page_in_dossier(
            &title,
            &reason,
            document_page(
                &user,
                &detail,
                &query,
                &ReuseTyped::from_context(&reason),
                &state,
            ),
        ))
    }
    .await;
    user.respond(result)
}

/// The document read for the page's reason; or, when a clerk's reason lacks the dossier or
/// purpose (or has a malformed one), the small form that asks for it: never a dead end.
async fn read_for_page(
    state: &AppState,
    user: &WebUser,
    id: &str,
    query: &DocumentQuery,
) -> Result<Result<DocumentDetail, Response>, ApiError> {
    let asked = match reason_of(&query.reason, &user.caller) {
        Ok(asked) => asked,
        Err(e) => return Ok(Err(dossier_form_page(user, id, query, &e))),
    };
    match document_detail(state, user.caller.clone(), id.to_string(), asked).await {
        Err(e @ ApiError::Invalid(..)) => Ok(Err(dossier_form_page(user, id, query, &e))),
        other => other.map(Ok),
    }
}

/// The document's address asked without the dossier a clerk must name: a small form that asks
/// for it and opens the same document, each missing or invalid field marked.
fn dossier_form_page(
    user: &WebUser,
    id: &str,
    query: &DocumentQuery,
    error: &ApiError,
) -> Response {
    let messages = forms::FieldMessages::of(Some(error));
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let (code, purpose) = (
        value(&query.reason.dossier_code),
        value(&query.reason.purpose),
    );
    let example = forms::example_dossier_code(&user.caller);
    let content = html! {
        div.alert role="alert" #can-ho-so {
            p { "Để xem giấy tờ, hãy ghi hồ sơ đang xử lý và mục đích. Lần xem được ghi vào nhật ký của chủ giấy tờ." }
        }
        form.dossier method="get" action=(format!("/documents/{}", percent_encode(id))) {
            div {
                (forms::TextField { id: "dossier_code", name: "dossier_code", label: "Mã hồ sơ đang xử lý",
                    value: &code, required: true, placeholder: Some(&example), fields: &["dossier_code"] }
                    .render(&messages))
            }
            div {
                (forms::TextField { id: "purpose", name: "purpose", label: "Mục đích",
                    value: &purpose, required: true, placeholder: Some("Giải quyết thủ tục ..."), fields: &["purpose"] }
                    .render(&messages))
            }
            @if let Some(from) = back_to_results(query.from.as_deref()) {
                input type="hidden" name="from" value=(from);
            }
            div { button type="submit" { "Xem giấy tờ" } }
        }
        p { a href="/" { "Về trang tra cứu" } }
    };
    let mut page = user.page("Cần hồ sơ đang xử lý", content);
    *page.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    page
}

/// What the reuse form shows: the values typed (kept when the reuse is refused) and the rules
/// they broke.
struct ReuseTyped {
    dossier_code: String,
    procedure_code: String,
    purpose: String,
    error: Option<ApiError>,
}

impl ReuseTyped {
    fn from_context(reason: &ReasonParams) -> Self {
        let value = |v: &Option<String>| v.clone().unwrap_or_default();
        ReuseTyped {
            dossier_code: value(&reason.dossier_code),
            procedure_code: value(&reason.procedure_code),
            purpose: value(&reason.purpose),
            error: None,
        }
    }
}

fn document_page(
    user: &WebUser,
    detail: &DocumentDetail,
    query: &DocumentQuery,
    typed: &ReuseTyped,
    state: &AppState,
) -> Markup {
    let agencies = state.archive.agencies();
    // Without the agency's key a copy cannot be signed: no form that can only fail.
    let can_certify = state.config.signing_key.is_some();
    let reason = &query.reason;
    let done = query.done.as_deref();
    let reason_params = reason;
    let from = back_to_results(query.from.as_deref());
    let from_pair: Vec<(&str, &str)> = from.map(|f| vec![("from", f)]).unwrap_or_default();
    let reuse_messages = forms::FieldMessages::of(typed.error.as_ref());
    let d = &detail.document;
    let base = format!("/documents/{}", d.id);
    let shown = d.pages.min(MAX_PREVIEWS);
    let row = |label: &str, value: Option<String>| {
        html! { @if let Some(v) = value { div { dt { (label) } dd { (v) } } } }
    };
    html! {
        @if let Some(from) = from {
            p.back { a #quay-lai-ket-qua href=(from) { "← Quay lại kết quả" } }
        }
        // The confirmation comes from the document's reuses as the ledger has them, not from
        // the address (which a reload, a bookmark or a colleague's copy would replay).
        @if let Some((last, first_of_several)) = done.filter(|d| *d == "reuse").and_then(|_| own_reuses(user, detail, reason)) {
            div.notice role="status" #da-tai-su-dung {
                p { "Đã ghi nhận tái sử dụng giấy tờ này cho hồ sơ "
                    strong { (reason.dossier_code.as_deref().unwrap_or("")) } " lúc " (instant(&last.at)) "." }
            }
            @if let Some(earlier) = first_of_several {
                div.warning role="alert" #da-dung-truoc-do {
                    p { "Lưu ý: giấy tờ này đã được tái sử dụng cho chính hồ sơ này lúc "
                        (instant(&earlier.at)) ". Lần này vẫn được ghi nhận." }
                }
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
                    @if let Some(e) = &typed.error {
                        div.alert role="alert" #loi-tai-su-dung {
                            p { "Chưa ghi nhận tái sử dụng. Vui lòng sửa rồi gửi lại." }
                            @if reuse_messages.is_empty() { (super::problem_details(e)) }
                        }
                    }
                    form #form-tai-su-dung method="post" action=(format!("{base}/reuse")) {
                        input type="hidden" name="csrf" value=(user.csrf);
                        // The dossier the page was read for, to show the page again if the
                        // reuse is refused; and the search to go back to.
                        input type="hidden" name="ctx_dossier_code" value=(reason.dossier_code.clone().unwrap_or_default());
                        input type="hidden" name="ctx_procedure_code" value=(reason.procedure_code.clone().unwrap_or_default());
                        input type="hidden" name="ctx_purpose" value=(reason.purpose.clone().unwrap_or_default());
                        @if let Some(from) = from { input type="hidden" name="from" value=(from); }
                        div {
                            (forms::TextField { id: "reuse_dossier", name: "dossier_code", label: "Mã hồ sơ",
                                value: &typed.dossier_code, required: true, placeholder: None, fields: &["dossier_code"] }
                                .render(&reuse_messages))
                        }
                        div {
                            (forms::TextField { id: "reuse_procedure", name: "procedure_code", label: "Mã thủ tục",
                                value: &typed.procedure_code, required: false, placeholder: None, fields: &["procedure_code"] }
                                .render(&reuse_messages))
                        }
                        div.wide {
                            (forms::TextField { id: "reuse_purpose", name: "purpose", label: "Mục đích",
                                value: &typed.purpose, required: true, placeholder: None, fields: &["purpose"] }
                                .render(&reuse_messages))
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
                @if !can_certify {
                    p.notice #chua-bat-chung-thuc { "Máy chủ này chưa được cấu hình để ký bản sao có chứng thực. Hãy liên hệ quản trị viên nếu cơ quan cần chức năng này." }
                }
                @if can_certify {
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
        }
        section aria-labelledby="tieu-de-trang" {
            h2 #tieu-de-trang { "Các trang" }
            @if d.pages > shown { p { "Hiển thị " (shown) " / " (d.pages) " trang; tải bản gốc để xem đủ." } }
            div.previews {
                @for n in 1..=shown {
                    figure #(format!("trang-{n}")) {
                        // Click to enlarge: the page at 1600 px (the widest preview drawn), in
                        // the clerk's flow (the dossier and the way back to the results kept).
                        a.zoom.page-link href=(with_reason(&format!("{base}/pages/{n}"), reason, &zoom_pair(&from_pair, "1600")))
                            title="Bấm để xem cỡ lớn" {
                            img loading="lazy" width="400"
                                src=(with_reason(&format!("{base}/pages/{n}/preview"), reason, &[("width", "800")]))
                                alt=(format!("Trang {n} của {}, bấm để xem cỡ lớn", d.title));
                        }
                        figcaption { "Trang " (n) " · " a href=(with_reason(&format!("{base}/pages/{n}"), reason, &zoom_pair(&from_pair, "1600"))) { "Xem cỡ lớn" } }
                    }
                }
            }
        }
        section aria-labelledby="tieu-de-lich-su" {
            h2 #tieu-de-lich-su { "Lịch sử" }
            table {
                thead { tr { th { "Thời điểm" } th { "Việc" } th { "Người thực hiện" } th { "Ghi chú" } } }
                tbody {
                    @for e in history_with_reuses(detail) {
                        tr {
                            td { (instant(&e.at)) }
                            td { (layout::action_name(&e.action)) }
                            td { (layout::actor_name(&e.actor)) }
                            td { (layout::event_note(e)) }
                        }
                    }
                }
            }
        }
    }
}

/// This clerk's reuses of the document for the dossier read for, as the ledger has them: the
/// latest, and the first when there are several (the second-reuse warning). None when the
/// clerk never reused it for that dossier: then nothing is confirmed, whatever the address says.
fn own_reuses<'a>(
    user: &WebUser,
    detail: &'a DocumentDetail,
    reason: &ReasonParams,
) -> Option<(
    &'a crate::wire::EventView,
    Option<&'a crate::wire::EventView>,
)> {
    let dossier = reason.dossier_code.as_deref().map(str::trim)?;
    let for_dossier: Vec<&crate::wire::EventView> = detail
        .reuses
        .iter()
        .filter(|e| e.dossier_code.as_deref() == Some(dossier))
        .collect();
    let last = *for_dossier
        .iter()
        .rev()
        .find(|e| e.actor == user.caller.actor().name)?;
    let first = (for_dossier.len() > 1).then(|| for_dossier[0]);
    Some((last, first))
}

/// The document's history as the page shows it: its lifecycle events and its reuses (which
/// dossier took it, when, by whom), in order.
fn history_with_reuses(detail: &DocumentDetail) -> Vec<&crate::wire::EventView> {
    let mut all: Vec<&crate::wire::EventView> =
        detail.history.iter().chain(detail.reuses.iter()).collect();
    all.sort_by_key(|e| e.seq);
    all.dedup_by_key(|e| e.seq);
    all
}

/// The widths a page is enlarged to: fitted to a desk screen, and the widest preview drawn.
const ZOOM_WIDTHS: [u32; 2] = [800, 1600];

/// The link pairs of a page view at `width`: the way back to the results, and the width.
fn zoom_pair<'a>(from_pair: &[(&'a str, &'a str)], width: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut pairs = from_pair.to_vec();
    pairs.push(("width", width));
    pairs
}

/// `/documents/{id}/pages/{n}?width=800|1600`: one page enlarged, in the clerk's flow (the
/// dossier's banner, the way back to the document and to the results, the two sizes). The
/// image is the preview service's, read with the same reason, so each look is a ledgered read.
pub async fn page_view(
    State(state): State<AppState>,
    user: WebUser,
    PagePath((id, page)): PagePath<(String, u32)>,
    query: Result<Query<DocumentQuery>, ApiError>,
) -> Response {
    let result = async {
        let Query(query) = query?;
        let reason = query.reason.clone();
        let detail = match read_for_page(&state, &user, &id, &query).await? {
            Ok(detail) => detail,
            Err(form) => return Ok(form),
        };
        let d = &detail.document;
        if page == 0 || page > d.pages.max(1) {
            return Err(ApiError::field(
                schemas::RuleError::new(&schemas::messages::PAGE_MISSING)
                    .with("pages", d.pages)
                    .with("page", page)
                    .at("page", &page.to_string()),
            ));
        }
        // Any width asked up to the fitted one gives the fitted one; anything else the widest.
        let width = match query.width.as_deref().and_then(|w| w.trim().parse::<u32>().ok()) {
            Some(w) if w <= ZOOM_WIDTHS[0] => ZOOM_WIDTHS[0],
            _ => ZOOM_WIDTHS[1],
        };
        let width_text = width.to_string();
        let from = back_to_results(query.from.as_deref());
        let from_pair: Vec<(&str, &str)> = from.map(|f| vec![("from", f)]).unwrap_or_default();
        let base = format!("/documents/{}", percent_encode(&d.id));
        let here = format!("{base}/pages/{page}");
        let content = html! {
            nav.zoom-nav aria-label="Xem trang" {
                a #quay-lai-giay-to href=(format!("{}#trang-{page}", with_reason(&base, &reason, &from_pair))) { "← Quay lại giấy tờ" }
                @if let Some(from) = from { " · " a #quay-lai-ket-qua href=(from) { "Quay lại kết quả" } }
                " · Cỡ: "
                @for w in ZOOM_WIDTHS {
                    @if w == width {
                        strong aria-current="true" { (w) " điểm ảnh" }
                    } @else {
                        a href=(with_reason(&here, &reason, &zoom_pair(&from_pair, &w.to_string()))) { (w) " điểm ảnh" }
                    }
                    " "
                }
            }
            nav.pages aria-label="Các trang" {
                @if page > 1 {
                    a rel="prev" href=(with_reason(&format!("{base}/pages/{}", page - 1), &reason, &zoom_pair(&from_pair, &width_text))) { "← Trang trước" }
                }
                @if page < d.pages {
                    a rel="next" href=(with_reason(&format!("{base}/pages/{}", page + 1), &reason, &zoom_pair(&from_pair, &width_text))) { "Trang sau →" }
                }
            }
            figure.page-large {
                div.zoomed {
                    img.zoomed width=(width)
                        src=(with_reason(&format!("{base}/pages/{page}/preview"), &reason, &[("width", &width_text)]))
                        alt=(format!("Trang {page} của {}, rộng {width} điểm ảnh", d.title));
                }
                figcaption { "Trang " (page) " / " (d.pages) }
            }
        };
        Ok(user.page_in_dossier(&format!("{} · trang {page}", d.title), &reason, content))
    }
    .await;
    user.respond(result)
}

/// The original bytes (with ranges), answered as the API answers them: the same service, the
/// same checks, the same ledger.
pub async fn download(
    State(state): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<String>,
    reason: Result<Query<ReasonParams>, ApiError>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let Query(reason) = reason?;
        let reason = reason_of(&reason, &user.caller)?;
        original_response(&state, user.caller.clone(), id, reason, &headers, false).await
    }
    .await;
    user.respond(result)
}

/// A page preview, answered as the API answers it.
pub async fn preview(
    State(state): State<AppState>,
    user: WebUser,
    PagePath((id, page)): PagePath<(String, u32)>,
    params: Result<Query<PreviewParams>, ApiError>,
) -> Response {
    let result = async {
        let Query(params) = params?;
        let reason = reason_of(&params, &user.caller)?;
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
    /// The reason the page was read with (to show it again if the reuse is refused).
    #[serde(default)]
    ctx_dossier_code: String,
    #[serde(default)]
    ctx_procedure_code: String,
    #[serde(default)]
    ctx_purpose: String,
    /// The search the clerk came from.
    #[serde(default)]
    from: String,
}

/// Records a reuse, then shows the document again with a confirmation (and a warning when the
/// document was already reused in this dossier). A refused reuse shows the same page again with
/// the values typed and each broken rule under its field.
pub async fn reuse(
    State(state): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<String>,
    headers: HeaderMap,
    PageForm(form): PageForm<ReuseForm>,
) -> Response {
    if let Err(e) = user.check_csrf(&headers, &form.csrf) {
        return user.respond(Err(e));
    }
    let procedure = Some(form.procedure_code.clone()).filter(|p| !p.trim().is_empty());
    let attempt = async {
        let asked = schemas::AccessReason::for_dossier(
            Some(&form.dossier_code),
            procedure.as_deref(),
            Some(&form.purpose),
        )
        .map_err(ApiError::fields)?;
        reuse_document(&state, user.caller.clone(), id.clone(), asked).await
    }
    .await;
    let from = back_to_results(Some(form.from.as_str()));
    match attempt {
        Ok(_) => {
            let reason = ReasonParams {
                dossier_code: Some(form.dossier_code.trim().to_string()),
                procedure_code: procedure,
                purpose: Some(form.purpose.trim().to_string()),
            };
            let mut extra = vec![("done", "reuse")];
            if let Some(from) = from {
                extra.push(("from", from));
            }
            let target = with_reason(
                &format!("/documents/{}", percent_encode(&id)),
                &reason,
                &extra,
            );
            Redirect::to(&target).into_response()
        }
        Err(e @ (ApiError::Invalid(..) | ApiError::Forbidden(_) | ApiError::Conflict(_))) => {
            // The same page, read again with the dossier it was read for, the values kept.
            let given = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
            let query = DocumentQuery {
                reason: ReasonParams {
                    dossier_code: given(&form.ctx_dossier_code),
                    procedure_code: given(&form.ctx_procedure_code),
                    purpose: given(&form.ctx_purpose),
                },
                done: None,
                from: from.map(str::to_string),
                width: None,
            };
            let typed = ReuseTyped {
                dossier_code: form.dossier_code.clone(),
                procedure_code: form.procedure_code.clone(),
                purpose: form.purpose.clone(),
                error: Some(e),
            };
            let status = typed
                .error
                .as_ref()
                .map(ApiError::status)
                .unwrap_or_default();
            let page: Result<Response, ApiError> = async {
                let asked = reason_of(&query.reason, &user.caller)?;
                let detail =
                    document_detail(&state, user.caller.clone(), id.clone(), asked).await?;
                let title = detail.document.title.clone();
                let mut page = user.page_in_dossier(
                    &title,
                    &query.reason,
                    document_page(&user, &detail, &query, &typed, &state),
                );
                *page.status_mut() = status;
                Ok(page)
            }
            .await;
            match page {
                Ok(page) => page,
                // The page itself cannot be read again: the reuse's own error says why.
                Err(_) => user.respond(Err(typed
                    .error
                    .unwrap_or(ApiError::Internal(String::new())))),
            }
        }
        Err(e) => user.respond(Err(e)),
    }
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
    PagePath(id): PagePath<String>,
    headers: HeaderMap,
    PageForm(form): PageForm<LifecycleForm>,
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
                return Err(ApiError::BadRequest(
                    schemas::Message::new(&schemas::messages::UNKNOWN_CHANGE)
                        .with("got", format!("{other:?}")),
                ))
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
    PagePath(id): PagePath<String>,
    headers: HeaderMap,
    PageForm(form): PageForm<CertifyForm>,
) -> Response {
    let result = async {
        user.check_csrf(&headers, &form.csrf)?;
        let reason = reason_of(
            &crate::wire::CertifyRequestBody {
                dossier_code: form.dossier_code.filter(|v| !v.trim().is_empty()),
                procedure_code: None,
                purpose: form.purpose.filter(|v| !v.trim().is_empty()),
            },
            &user.caller,
        )?;
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
