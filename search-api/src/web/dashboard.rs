//! `/dashboard`: the province's indicators for admins and leaders (docs/indicators.md): a line
//! per agency of documents digitized month by month, bars per paper type, and the table of
//! 4.1-4.4 per agency (downloadable as CSV, `/dashboard/indicators.csv`). SVG drawn here on
//! the server, no script; dates as dd/mm/yyyy; readable on a phone (the charts scale to the
//! width, the table scrolls sideways).

use super::WebUser;
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::reports::{csv_response, indicator_report, IndicatorParams};
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use maud::{html, Markup, PreEscaped};
use schemas::indicators::{CsvDates, IndicatorReport, ReportRow};
use schemas::{Date, Lang};
use serde::Deserialize;
use std::collections::BTreeMap;

/// What the dashboard's form sends; the period defaults to the year so far.
#[derive(Debug, Default, Deserialize)]
pub struct DashboardParams {
    pub from: Option<String>,
    pub to: Option<String>,
    pub agency: Option<String>,
}

impl DashboardParams {
    /// The report's parameters: empty fields take the year so far (Vietnam time).
    fn report(&self, by: &str) -> IndicatorParams {
        let today = schemas::today();
        let filled = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        IndicatorParams {
            from: filled(&self.from).unwrap_or_else(|| {
                schemas::iso_date(
                    today
                        .replace_month(time::Month::January)
                        .and_then(|d| d.replace_day(1))
                        .unwrap_or(today),
                )
            }),
            to: filled(&self.to).unwrap_or_else(|| schemas::iso_date(today)),
            agency: filled(&self.agency),
            by: Some(by.to_string()),
            format: None,
        }
    }
}

fn agency_label(state: &AppState, agency: Option<&str>) -> String {
    match agency {
        None => "Toàn tỉnh".to_string(),
        Some("") => "(không rõ cơ quan)".to_string(),
        Some(code) => state.archive.agencies().display(code),
    }
}

/// `GET /dashboard`.
pub async fn dashboard(
    State(state): State<AppState>,
    user: WebUser,
    params: Result<Query<DashboardParams>, ApiError>,
) -> Response {
    let result = async {
        let Query(params) = params?;
        let by_agency = params.report("agency");
        let table = indicator_report(&state, user.caller.clone(), &by_agency, Lang::Vi).await?;
        let months = indicator_report(&state, user.caller.clone(), &params.report("month"), Lang::Vi).await?;
        let csv_href = crate::web::layout::query_string(&[
            ("from", &by_agency.from),
            ("to", &by_agency.to),
            ("agency", by_agency.agency.as_deref().unwrap_or("")),
        ]);
        Ok(user.page(
            "Chỉ số số hóa và tái sử dụng",
            html! {
                form.filters method="get" action="/dashboard" {
                    label { "Từ ngày " input name="from" inputmode="numeric" placeholder="dd/mm/yyyy" value=(schemas::vn_date(table.from)); }
                    " "
                    label { "Đến ngày " input name="to" inputmode="numeric" placeholder="dd/mm/yyyy" value=(schemas::vn_date(table.to)); }
                    " "
                    label { "Cơ quan " input name="agency" placeholder="H47.15" value=(table.agency.clone().unwrap_or_default()); }
                    " "
                    button type="submit" { "Xem" }
                }
                p { "Kỳ báo cáo: " (schemas::vn_date(table.from)) " – " (schemas::vn_date(table.to)) ". Cách tính từng chỉ số và dữ liệu còn thiếu: xem tài liệu docs/indicators.md." }
                h2 { "Giấy tờ được số hóa theo tháng" }
                (line_chart(&state, &months))
                h2 { "Giấy tờ được số hóa theo loại" }
                (type_bars(&state, &table))
                h2 { "Bảng chỉ số theo cơ quan" }
                p { a.download href=(format!("/dashboard/indicators.csv?{csv_href}")) download="chi-so.csv" { "Tải bảng (CSV)" } }
                div.table-scroll {
                    (indicator_table(&state, &table.rows))
                }
                @if !table.reuse_by_procedure.is_empty() {
                    h2 { "Lượt tái sử dụng theo thủ tục" }
                    table {
                        thead { tr { th { "Mã thủ tục" } th { "Lượt" } } }
                        tbody { @for p in &table.reuse_by_procedure {
                            tr { td { (if p.name.is_empty() { "(không ghi)" } else { &p.name }) } td.num { (p.count) } }
                        } }
                    }
                }
                @if !table.most_reused_types.is_empty() {
                    h2 { "Loại giấy tờ được tái sử dụng nhiều nhất" }
                    table {
                        thead { tr { th { "Loại giấy tờ" } th { "Lượt" } } }
                        tbody { @for t in &table.most_reused_types {
                            tr { td { (crate::web::layout::doc_type_title(&state, &t.name)) } td.num { (t.count) } }
                        } }
                    }
                }
            },
        ))
    }
    .await;
    user.respond(result)
}

/// `GET /dashboard/indicators.csv`: the table as the page shows it (Vietnamese headers,
/// dd/mm/yyyy).
pub async fn dashboard_csv(
    State(state): State<AppState>,
    user: WebUser,
    params: Result<Query<DashboardParams>, ApiError>,
) -> Response {
    let result = async {
        let Query(params) = params?;
        let report = indicator_report(
            &state,
            user.caller.clone(),
            &params.report("agency"),
            Lang::Vi,
        )
        .await?;
        Ok(csv_response(
            schemas::indicators::report_csv(&report, CsvDates::Vietnamese),
            "chi-so.csv",
        ))
    }
    .await;
    user.respond(result)
}

fn indicator_table(state: &AppState, rows: &[ReportRow]) -> Markup {
    html! {
        table.indicators {
            thead {
                tr {
                    th { "Cơ quan" }
                    th { "Hồ sơ tiếp nhận" }
                    @for v in rows.first().map(|r| r.indicators.as_slice()).unwrap_or(&[]) {
                        th title=(v.name) { "Chỉ số " (v.id) }
                    }
                    th { "Giấy tờ số hóa" }
                    th { "Lượt tái sử dụng" }
                    th { "Trung vị ngày đến khi tái sử dụng" }
                }
            }
            tbody {
                @for row in rows {
                    tr {
                        th scope="row" { (agency_label(state, row.agency.as_deref())) }
                        td.num { (row.dossiers_received) }
                        @for v in &row.indicators {
                            td.num title=(v.missing_inputs.join("; ")) {
                                (v.numerator) "/" (v.denominator.map_or_else(|| "?".to_string(), |d| d.to_string()))
                                br;
                                strong { (v.rate.map_or_else(|| "—".to_string(), |r| format!("{:.1}%", r * 100.0).replace('.', ","))) }
                            }
                        }
                        td.num { (row.documents_digitized) }
                        td.num { (row.reuses) }
                        td.num { (row.median_days_to_reuse.map_or_else(|| "—".to_string(), |d| d.to_string())) }
                    }
                }
            }
        }
    }
}

/// Colours of the lines, one per agency in turn (the province's is black).
const COLOURS: [&str; 6] = [
    "#1b6ac9", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#16a085",
];

/// Documents digitized per month, a line per agency and one for the province.
fn line_chart(state: &AppState, report: &IndicatorReport) -> Markup {
    // period start -> (agency -> count)
    let mut periods: Vec<Date> = Vec::new();
    let mut series: BTreeMap<Option<String>, BTreeMap<Date, u64>> = BTreeMap::new();
    for row in &report.rows {
        if !periods.contains(&row.from) {
            periods.push(row.from);
        }
        series
            .entry(row.agency.clone())
            .or_default()
            .insert(row.from, row.documents_digitized);
    }
    periods.sort();
    let max = series
        .values()
        .flat_map(|s| s.values())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let (width, height, left, bottom, top) = (640.0_f64, 260.0_f64, 48.0_f64, 36.0_f64, 12.0_f64);
    let plot_w = width - left - 12.0;
    let plot_h = height - bottom - top;
    let x = |i: usize| {
        if periods.len() <= 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (periods.len() - 1) as f64
        }
    };
    let y = |v: u64| top + plot_h * (1.0 - v as f64 / max as f64);
    let mut svg = String::new();
    svg.push_str(&format!(
        r#"<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="Giấy tờ được số hóa theo tháng, mỗi đường một cơ quan" xmlns="http://www.w3.org/2000/svg">"#
    ));
    for step in 0..=4u64 {
        let v = max * step / 4;
        svg.push_str(&format!(
            r##"<line x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" font-size="11" text-anchor="end">{v}</text>"##,
            width - 12.0,
            left - 6.0,
            y(v) + 4.0,
            y = y(v)
        ));
    }
    for (i, p) in periods.iter().enumerate() {
        // The first and last labels sit inside the drawing, not centred past its edges.
        let anchor = match i {
            0 if periods.len() > 1 => "start",
            i if i + 1 == periods.len() && periods.len() > 1 => "end",
            _ => "middle",
        };
        svg.push_str(&format!(
            r#"<text x="{:.1}" y="{}" font-size="11" text-anchor="{anchor}">{:02}/{}</text>"#,
            x(i),
            height - bottom + 16.0,
            u8::from(p.month()),
            p.year()
        ));
    }
    let mut legend = Vec::new();
    for (n, (agency, points)) in series.iter().enumerate() {
        let colour = if agency.is_none() {
            "#222"
        } else {
            COLOURS[n % COLOURS.len()]
        };
        let path: Vec<String> = periods
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(points.get(p).copied().unwrap_or(0))))
            .collect();
        let label = escape(&agency_label(state, agency.as_deref()));
        svg.push_str(&format!(
            r#"<polyline class="series" data-agency="{}" fill="none" stroke="{colour}" stroke-width="{}" points="{}"><title>{label}</title></polyline>"#,
            escape(agency.as_deref().unwrap_or("province")),
            if agency.is_none() { 3 } else { 2 },
            path.join(" ")
        ));
        for (i, p) in periods.iter().enumerate() {
            svg.push_str(&format!(
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{colour}"/>"#,
                x(i),
                y(points.get(p).copied().unwrap_or(0))
            ));
        }
        legend.push((colour, label));
    }
    svg.push_str("</svg>");
    html! {
        figure.chart {
            (PreEscaped(svg))
            figcaption {
                @for (colour, label) in &legend {
                    span.legend { (swatch(colour)) (PreEscaped(label)) } " "
                }
            }
        }
    }
}

/// Documents digitized by paper type over the period (every agency in scope), one bar each,
/// split by how the text was obtained.
fn type_bars(state: &AppState, report: &IndicatorReport) -> Markup {
    let mut by_type: BTreeMap<String, [u64; 3]> = BTreeMap::new();
    for d in &report.digitized {
        let i = schemas::indicators::TextClass::ALL
            .iter()
            .position(|c| *c == d.text_source)
            .unwrap_or(2);
        by_type.entry(d.doc_type.clone()).or_default()[i] += d.count;
    }
    let mut rows: Vec<(String, [u64; 3])> = by_type.into_iter().collect();
    rows.sort_by(|a, b| {
        b.1.iter()
            .sum::<u64>()
            .cmp(&a.1.iter().sum::<u64>())
            .then(a.0.cmp(&b.0))
    });
    rows.truncate(12);
    if rows.is_empty() {
        return html! { p { "Chưa có giấy tờ nào được số hóa trong kỳ." } };
    }
    let max = rows
        .iter()
        .map(|r| r.1.iter().sum::<u64>())
        .max()
        .unwrap_or(1)
        .max(1);
    let bar_h = 22.0_f64;
    let (width, label_w) = (640.0_f64, 220.0_f64);
    let height = bar_h * rows.len() as f64 + 8.0;
    let colours = ["#2e8b57", "#1b6ac9", "#d35400"];
    let mut svg = format!(
        r#"<svg class="chart bars" viewBox="0 0 {width} {height}" role="img" aria-label="Giấy tờ được số hóa theo loại" xmlns="http://www.w3.org/2000/svg">"#
    );
    for (i, (doc_type, parts)) in rows.iter().enumerate() {
        let y = 4.0 + bar_h * i as f64;
        let title = escape(&crate::web::layout::doc_type_title(state, doc_type));
        svg.push_str(&format!(
            r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end">{title}</text>"#,
            label_w - 6.0,
            y + 15.0
        ));
        let mut x = label_w;
        for (part, count) in parts.iter().enumerate() {
            let w = (width - label_w - 50.0) * *count as f64 / max as f64;
            if *count > 0 {
                svg.push_str(&format!(
                    r#"<rect class="bar" data-type="{}" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{:.1}" fill="{}"><title>{title}: {count}</title></rect>"#,
                    escape(doc_type),
                    bar_h - 6.0,
                    colours[part]
                ));
            }
            x += w;
        }
        svg.push_str(&format!(
            r#"<text x="{:.1}" y="{:.1}" font-size="12">{}</text>"#,
            x + 4.0,
            y + 15.0,
            parts.iter().sum::<u64>()
        ));
    }
    svg.push_str("</svg>");
    html! {
        figure.chart {
            (PreEscaped(svg))
            figcaption {
                @for (i, class) in schemas::indicators::TextClass::ALL.iter().enumerate() {
                    span.legend { (swatch(colours[i])) (class.words().text(Lang::Vi)) } " "
                }
            }
        }
    }
}

/// Text made safe inside SVG markup written by hand.
/// A legend's colour sample, drawn in SVG: the pages' Content-Security-Policy (`style-src
/// 'self'`) drops `style` attributes, so a coloured `span` would show nothing.
fn swatch(colour: &str) -> Markup {
    html! {
        svg.swatch viewBox="0 0 10 10" aria-hidden="true" xmlns="http://www.w3.org/2000/svg" {
            rect width="10" height="10" rx="2" fill=(colour) {}
        }
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
