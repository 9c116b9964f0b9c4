//! Every rule and refusal kho states, in one table: a stable machine code, a Vietnamese text and
//! an English text, with `{named}` parameters (docs/api.md, "Errors").
//!
//! Code raises a [`Message`] (an entry of the table and its parameters, e.g.
//! `personal_id.length` with `got = 11`); whoever shows it picks the language: the web always
//! Vietnamese, the API by `Accept-Language` (Vietnamese by default), the command line by the
//! locale (`LANG`, see [`Lang::from_locale`]). Programs match on the code, never on the words.
//! A parameter may itself be a message (a role, an act, a nested rule), rendered in the same
//! language.

use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};

/// A language kho speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Vietnamese: the web UI, the API unless asked otherwise.
    #[default]
    Vi,
    En,
}

impl Lang {
    /// The language of an `Accept-Language` header: the preferred of Vietnamese and English by
    /// quality (ties: the first listed); Vietnamese when the header names neither.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q=").map(str::to_string))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = match tag.split('-').next().unwrap_or("") {
                "vi" => Lang::Vi,
                "en" => Lang::En,
                _ => continue,
            };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map(|(_, lang)| lang).unwrap_or_default()
    }

    /// The language of the command line, from `LC_ALL`, `LC_MESSAGES` and `LANG` (given in that
    /// order; the first that is set and not empty decides, as POSIX says): Vietnamese when it
    /// starts with `vi`, English otherwise, also when none is set. An unset or `C` locale is a
    /// machine's (scripts, CI, cron): its logs are read by whoever keeps the machine, and `C`
    /// conventionally means untranslated messages; a Vietnamese desk sets `vi_VN.UTF-8`.
    pub fn from_locale<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> Lang {
        let chosen = values
            .into_iter()
            .flatten()
            .map(str::trim)
            .find(|v| !v.is_empty());
        match chosen {
            Some(v) if v.to_ascii_lowercase().starts_with("vi") => Lang::Vi,
            _ => Lang::En,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

/// The language `Display` uses (logs, the command line's errors): English until the binary
/// sets it from the locale. Servers render each answer in its own language instead.
static PROCESS_LANG: AtomicU8 = AtomicU8::new(1);

/// Sets the language `Display` of a message uses in this process (the `kho` binary, at start).
pub fn set_process_lang(lang: Lang) {
    PROCESS_LANG.store(lang as u8, Ordering::Relaxed);
}

pub fn process_lang() -> Lang {
    match PROCESS_LANG.load(Ordering::Relaxed) {
        0 => Lang::Vi,
        _ => Lang::En,
    }
}

/// One entry of the table.
#[derive(Debug, PartialEq, Eq)]
pub struct Entry {
    /// Stable, what programs match on: `personal_id.length`.
    pub code: &'static str,
    pub vi: &'static str,
    pub en: &'static str,
}

impl Entry {
    pub fn text(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Vi => self.vi,
            Lang::En => self.en,
        }
    }
}

/// A parameter of a message: words as given (a value, a code), or a message of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    Text(String),
    Message(Box<Message>),
    /// Several messages, joined with "; ".
    List(Vec<Message>),
}

/// An entry of the table with its parameters: what code raises and the caller renders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    entry: &'static Entry,
    params: Vec<(&'static str, Param)>,
}

impl Message {
    pub fn new(entry: &'static Entry) -> Self {
        Message {
            entry,
            params: Vec::new(),
        }
    }

    /// Adds a parameter written as given (numbers, values, codes).
    pub fn with(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.params.push((name, Param::Text(value.to_string())));
        self
    }

    /// Adds a parameter that is itself a message, rendered in the same language.
    pub fn with_message(mut self, name: &'static str, value: impl Into<Message>) -> Self {
        self.params
            .push((name, Param::Message(Box::new(value.into()))));
        self
    }

    /// Adds a parameter that is a list of messages.
    pub fn with_list(mut self, name: &'static str, values: Vec<Message>) -> Self {
        self.params.push((name, Param::List(values)));
        self
    }

    pub fn code(&self) -> &'static str {
        self.entry.code
    }

    pub fn entry(&self) -> &'static Entry {
        self.entry
    }

    /// A parameter as given, by its name (what a program may want besides the code).
    pub fn param(&self, name: &str) -> Option<String> {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| match p {
                Param::Text(t) => t.clone(),
                Param::Message(m) => m.render(Lang::En),
                Param::List(list) => render_list(list, Lang::En),
            })
    }

    /// The text in `lang`, its `{name}` placeholders replaced by the parameters (a placeholder
    /// without a parameter is left as written, so that a missing one shows).
    pub fn render(&self, lang: Lang) -> String {
        let template = self.entry.text(lang);
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}') {
                Some(close) => {
                    let name = &after[..close];
                    match self.params.iter().find(|(n, _)| *n == name) {
                        Some((_, Param::Text(t))) => out.push_str(t),
                        Some((_, Param::Message(m))) => out.push_str(&m.render(lang)),
                        Some((_, Param::List(list))) => out.push_str(&render_list(list, lang)),
                        None => out.push_str(&rest[open..open + close + 2]),
                    }
                    rest = &after[close + 1..];
                }
                None => {
                    out.push_str(&rest[open..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }
}

fn render_list(list: &[Message], lang: Lang) -> String {
    list.iter()
        .map(|m| m.render(lang))
        .collect::<Vec<_>>()
        .join("; ")
}

impl From<&'static Entry> for Message {
    fn from(entry: &'static Entry) -> Self {
        Message::new(entry)
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(process_lang()))
    }
}

/// A message as stored (a batch's report): its code and parameters, no words, so that it is
/// rendered in the language of whoever reads it later. `{"code": "ingest.too_large",
/// "params": {"size": "9", "max": "8"}}`; a parameter that is a message is such an object, a
/// list is an array of them.
impl serde::Serialize for Message {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

/// Reads a stored message back; a code the table no longer has is an error (the caller keeps
/// what else it stored), a parameter the entry's texts do not name is dropped.
impl<'de> serde::Deserialize<'de> for Message {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        Message::from_json(&value)
            .ok_or_else(|| serde::de::Error::custom(format!("not a message of the table: {value}")))
    }
}

impl Message {
    fn to_json(&self) -> serde_json::Value {
        let params: serde_json::Map<String, serde_json::Value> = self
            .params
            .iter()
            .map(|(name, param)| {
                let value = match param {
                    Param::Text(t) => serde_json::Value::String(t.clone()),
                    Param::Message(m) => m.to_json(),
                    Param::List(list) => list.iter().map(Message::to_json).collect(),
                };
                (name.to_string(), value)
            })
            .collect();
        serde_json::json!({ "code": self.code(), "params": params })
    }

    fn from_json(value: &serde_json::Value) -> Option<Message> {
        let entry = entry(value.get("code")?.as_str()?)?;
        let mut message = Message::new(entry);
        let names: Vec<&'static str> = placeholders(entry.vi)
            .into_iter()
            .chain(placeholders(entry.en))
            .collect();
        if let Some(params) = value.get("params").and_then(|p| p.as_object()) {
            for (name, value) in params {
                let Some(name) = names.iter().copied().find(|n| n == name) else {
                    continue;
                };
                let param = match value {
                    serde_json::Value::String(t) => Param::Text(t.clone()),
                    serde_json::Value::Array(list) => {
                        Param::List(list.iter().filter_map(Message::from_json).collect())
                    }
                    other => Param::Message(Box::new(Message::from_json(other)?)),
                };
                message.params.push((name, param));
            }
        }
        Some(message)
    }
}

/// Serialises an optional message as its words in the process's language (a field of a JSON
/// line written for an operator, beside which the code is given where programs need it).
pub fn serialize_rendered_all<S: serde::Serializer>(
    messages: &[Message],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(messages.iter().map(Message::to_string))
}

/// An optional message as its words in the process's language (a JSON line of the command line).
pub fn serialize_rendered<S: serde::Serializer>(
    message: &Option<Message>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::Serialize;
    message
        .as_ref()
        .map(Message::to_string)
        .serialize(serializer)
}

/// The placeholders of a text, in order: `{got}` gives `got`.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.push(&after[..close]);
        rest = &after[close + 1..];
    }
    names
}

macro_rules! messages {
    ($($name:ident = $code:literal { vi: $vi:literal, en: $en:literal })*) => {
        $(pub static $name: Entry = Entry { code: $code, vi: $vi, en: $en };)*
        /// The whole table.
        pub static ALL: &[&Entry] = &[$(&$name,)*];
    };
}

/// Looks an entry up by its code.
pub fn entry(code: &str) -> Option<&'static Entry> {
    ALL.iter().copied().find(|e| e.code == code)
}

messages! {
    // Identifiers.
    ID_DIGITS_ONLY = "id.digits_only" {
        vi: "{what} chỉ gồm chữ số, có {found} ở vị trí {position}",
        en: "{what} has only digits, found {found} at position {position}"
    }
    PERSONAL_ID_WORDS = "personal_id.words" {
        vi: "số định danh cá nhân",
        en: "a personal ID"
    }
    ENTERPRISE_CODE_WORDS = "enterprise_code.words" {
        vi: "mã số doanh nghiệp",
        en: "an enterprise code"
    }
    PERSONAL_ID_LENGTH = "personal_id.length" {
        vi: "số định danh cá nhân có 12 chữ số, nhận được {got}",
        en: "a personal ID has 12 digits, got {got}"
    }
    PERSONAL_ID_PROVINCE = "personal_id.province" {
        vi: "số định danh cá nhân bắt đầu bằng mã tỉnh nơi đăng ký khai sinh; {got} không phải mã tỉnh (001 Hà Nội ... 096 Cà Mau)",
        en: "a personal ID starts with the code of the province of birth registration; {got} is not a province code (001 Hà Nội ... 096 Cà Mau)"
    }
    PERSONAL_ID_BIRTH_YEAR = "personal_id.birth_year" {
        vi: "chữ số thứ 4 đến 6 của số định danh cá nhân cho năm sinh; {got} nghĩa là năm {year}, ở tương lai",
        en: "a personal ID's digits 4 to 6 give the birth year; {got} means {year}, which is in the future"
    }
    OWNER_ID_REQUIRED = "owner_id.required" {
        vi: "cần số định danh của chủ giấy tờ: số định danh cá nhân 12 chữ số hoặc mã số doanh nghiệp 10 chữ số",
        en: "an owner ID is required: a 12-digit personal ID or a 10-digit enterprise code"
    }
    ENTERPRISE_CODE_LENGTH = "enterprise_code.length" {
        vi: "mã số doanh nghiệp có 10 chữ số (thêm -NNN cho đơn vị phụ thuộc), nhận được {got}",
        en: "an enterprise code has 10 digits (plus -NNN for a branch), got {got}"
    }
    ENTERPRISE_CODE_BRANCH = "enterprise_code.branch" {
        vi: "hậu tố đơn vị phụ thuộc là dấu gạch và 3 chữ số (-001 đến -999), nhận được -{got}",
        en: "a branch suffix is a dash and 3 digits (-001 to -999), got -{got}"
    }
    ENTERPRISE_CODE_BRANCH_ZERO = "enterprise_code.branch_zero" {
        vi: "hậu tố đơn vị phụ thuộc chạy từ -001 đến -999, nhận được -{got}",
        en: "a branch suffix runs from -001 to -999, got -{got}"
    }
    ENTERPRISE_CODE_NO_CHECK_DIGIT = "enterprise_code.no_check_digit" {
        vi: "không có mã số doanh nghiệp nào bắt đầu bằng {got}: chữ số kiểm tra sẽ là 10",
        en: "no enterprise code starts with {got}: its check digit would be 10"
    }
    ENTERPRISE_CODE_CHECK_DIGIT = "enterprise_code.check_digit" {
        vi: "chữ số thứ 10 của mã số doanh nghiệp là chữ số kiểm tra; chín chữ số đầu đòi hỏi {expected}, nhận được {got}",
        en: "the 10th digit of an enterprise code is a check digit; the first nine digits require {expected}, got {got}"
    }
    AGENCY_CODE_QCVN102 = "agency_code.qcvn102" {
        vi: "mã cơ quan theo QCVN 102 có dạng NNN.NN.NN.XNN với X là chữ cái A-Y (ví dụ 000.00.00.H47), nhận được {got}",
        en: "an agency code in QCVN 102 form is NNN.NN.NN.XNN with X a letter A-Y (e.g. 000.00.00.H47), got {got}"
    }
    AGENCY_CODE_EMPTY = "agency_code.empty" {
        vi: "mã cơ quan không được để trống",
        en: "an agency code cannot be empty"
    }
    AGENCY_CODE_LENGTH = "agency_code.length" {
        vi: "mã cơ quan có nhiều nhất {max} ký tự, nhận được {got}",
        en: "an agency code has at most {max} characters, got {got}"
    }
    AGENCY_CODE_HEAD = "agency_code.head" {
        vi: "mã cơ quan bắt đầu bằng một chữ cái A-Y và hai chữ số (ví dụ H47, G15), nhận được {got}",
        en: "an agency code starts with a letter A-Y and two digits (e.g. H47, G15), got {got}"
    }
    AGENCY_CODE_PARTS = "agency_code.parts" {
        vi: "các phần sau phần đầu của mã cơ quan là chữ cái và chữ số, cách nhau bằng một dấu chấm, nhận được {got}",
        en: "the parts of an agency code after the first are letters and digits separated by single dots, got {got}"
    }
    DOSSIER_CODE_SHAPE = "dossier_code.shape" {
        vi: "mã hồ sơ có dạng MÃCƠQUAN-YYMMDD-XXXX (ví dụ 000.00.00.H47-240501-0001), nhận được {got}",
        en: "a dossier code is AGENCY-YYMMDD-XXXX (e.g. 000.00.00.H47-240501-0001), got {got}"
    }
    DOSSIER_CODE_SEQUENCE = "dossier_code.sequence" {
        vi: "mã hồ sơ kết thúc bằng số thứ tự trong ngày gồm 4 chữ số, 0001 đến 9999, nhận được {got}",
        en: "a dossier code ends with the 4-digit daily sequence 0001 to 9999, got {got}"
    }
    DOSSIER_CODE_DATE_SHAPE = "dossier_code.date_shape" {
        vi: "phần giữa của mã hồ sơ là ngày tiếp nhận dạng YYMMDD, nhận được {got}",
        en: "the middle part of a dossier code is the reception date as YYMMDD, got {got}"
    }
    DOSSIER_CODE_DATE = "dossier_code.date" {
        vi: "phần giữa của mã hồ sơ là ngày tiếp nhận dạng YYMMDD; {got} không phải ngày có thật",
        en: "the middle part of a dossier code is the reception date as YYMMDD; {got} is not a real date"
    }
    RESULT_CODE_SHAPE = "result_code.shape" {
        vi: "mã kết quả là mã hồ sơ, tiếp theo là -KQ và một số (ví dụ 000.00.00.H47-240501-0001-KQ1), nhận được {got}",
        en: "a result code is a dossier code followed by -KQ and a number (e.g. 000.00.00.H47-240501-0001-KQ1), got {got}"
    }
    RESULT_CODE_NUMBER = "result_code.number" {
        vi: "số sau -KQ trong mã kết quả đếm các kết quả của hồ sơ từ 1, nhận được {got}",
        en: "the number after -KQ in a result code counts the results of the dossier from 1, got {got}"
    }
    RESULT_CODE_DOSSIER = "result_code.dossier" {
        vi: "mã kết quả bắt đầu bằng mã hồ sơ của nó, và mã hồ sơ của kết quả này là {dossier}",
        en: "a result code starts with the code of its dossier, and this one's is {dossier}"
    }
    PROCEDURE_CODE_SHAPE = "procedure_code.shape" {
        vi: "mã thủ tục bắt đầu bằng một chữ số, một dấu chấm và 6 chữ số (ví dụ 1.001193), nhận được {got}",
        en: "a procedure code starts with a digit, a dot and 6 digits (e.g. 1.001193), got {got}"
    }
    PROCEDURE_CODE_SUFFIX = "procedure_code.suffix" {
        vi: "sau 8 ký tự, mã thủ tục chỉ có thể kết thúc bằng .NN hoặc .MÃCƠQUAN, nhận được {got}",
        en: "a procedure code may end with .NN or .AGENCY_CODE after its 8 characters, got {got}"
    }
    CATALOGUE_CODE_SHAPE = "catalogue_code.shape" {
        vi: "mã danh mục kết quả có dạng KQ.XNN.NNNNNN (ví dụ KQ.G15.000031), nhận được {got}",
        en: "a result catalogue code is KQ.XNN.NNNNNN (e.g. KQ.G15.000031), got {got}"
    }

    // Dates.
    DATE_SHAPE = "date.shape" {
        vi: "ngày được viết DD/MM/YYYY hoặc YYYY-MM-DD, nhận được {got}",
        en: "a date is written YYYY-MM-DD or DD/MM/YYYY, got {got}"
    }
    DATE_NO_MONTH = "date.no_month" {
        vi: "{got} không phải ngày có thật: không có tháng {month}",
        en: "{got} is not a real date: there is no month {month}"
    }
    DATE_DAYS_IN_MONTH = "date.days_in_month" {
        vi: "{got} không phải ngày có thật: tháng {month} năm {year} có {days} ngày",
        en: "{got} is not a real date: month {month} of {year} has {days} days"
    }
    ISSUED_ON_FUTURE = "issued_on.future" {
        vi: "ngày cấp không thể ở tương lai (hôm nay là {today})",
        en: "an issue date cannot be in the future (today is {today})"
    }
    ISSUED_ON_TOO_EARLY = "issued_on.too_early" {
        vi: "ngày cấp sớm hơn năm {min}: năm có bị gõ thiếu chữ số không?",
        en: "an issue date before the year {min}: was the year typed short?"
    }
    VALID_UNTIL_TOO_EARLY = "valid_until.too_early" {
        vi: "ngày hết hiệu lực sớm hơn năm {min}: năm có bị gõ thiếu chữ số không?",
        en: "an end of validity before the year {min}: was the year typed short?"
    }
    VALID_UNTIL_BEFORE_ISSUE = "valid_until.before_issue" {
        vi: "giấy tờ không thể hết hiệu lực trước ngày cấp ({issued})",
        en: "a document cannot expire before it is issued ({issued})"
    }

    // Metadata and document types.
    TEXT_TOO_LONG = "text.too_long" {
        vi: "nhiều nhất {max} ký tự, nhận được {got}",
        en: "at most {max} characters, got {got}"
    }
    DOC_TYPE_REQUIRED = "doc_type.required" {
        vi: "cần loại giấy tờ",
        en: "the document type is required"
    }
    DOC_TYPE_UNKNOWN = "doc_type.unknown" {
        vi: "loại giấy tờ không có trong danh mục; các loại có: {known}",
        en: "unknown document type; known types are {known}"
    }
    DOC_TYPE_KEY = "doc_type.key" {
        vi: "khóa của loại giấy tờ gồm chữ thường ASCII, chữ số và _, nhận được {got}",
        en: "a document type key is lower-case ASCII letters, digits and _, got {got}"
    }
    DOC_TYPE_NO_TITLE = "doc_type.no_title" {
        vi: "loại giấy tờ {key} chưa có tên",
        en: "document type {key} has no title"
    }
    DOC_TYPE_VALIDITY = "doc_type.validity" {
        vi: "thời hạn thông thường là permanent (không thời hạn), issuer (theo cơ quan cấp), none hoặc số tháng như 6m, nhận được {got}",
        en: "a usual validity is permanent, issuer, none, or months like 6m, got {got}"
    }
    DOC_TYPE_TABLE = "doc_type.table" {
        vi: "bảng loại giấy tờ: {errors}",
        en: "document type table: {errors}"
    }
    // The store's CSV tables (schemas::table): a line-numbered list under the table's entry.
    TABLE_LINE = "table.line" {
        vi: "dòng {line}: {why}",
        en: "line {line}: {why}"
    }
    TABLE_HEADER = "table.header" {
        vi: "dòng đầu là tiêu đề {expected}, nhận được {got}",
        en: "the first line is the header {expected}, got {got}"
    }
    TABLE_TOO_MANY_ROWS = "table.too_many_rows" {
        vi: "bảng có nhiều nhất {max} dòng",
        en: "a table has at most {max} rows"
    }
    AGENCY_TABLE = "agency.table" {
        vi: "bảng tên cơ quan: {errors}",
        en: "agency table: {errors}"
    }
    AGENCY_TABLE_CODE = "agency.table.code" {
        vi: "mã cơ quan {code}: {why}",
        en: "agency code {code}: {why}"
    }
    AGENCY_TABLE_NO_NAME = "agency.table.no_name" {
        vi: "cơ quan {code} chưa có tên",
        en: "agency {code} has no name"
    }
    VOCABULARY_TABLE = "vocabulary.table" {
        vi: "bảng từ vựng tìm kiếm: {errors}",
        en: "vocabulary table: {errors}"
    }
    VOCABULARY_TOO_LARGE = "vocabulary.too_large" {
        vi: "bảng từ vựng có nhiều nhất {max} byte, nhận được {got}",
        en: "a vocabulary table is at most {max} bytes, got {got}"
    }
    VOCABULARY_NO_TERM = "vocabulary.term.missing" {
        vi: "mỗi dòng cần một cụm từ (điều người dùng gõ)",
        en: "a row needs a term (what is typed)"
    }
    VOCABULARY_TERM_WORDS = "vocabulary.term.words" {
        vi: "một cụm từ có từ 1 đến {max} từ (chữ hoặc số), nhận được {got}",
        en: "a term has 1 to {max} words (letters or digits), got {got}"
    }
    VOCABULARY_DOC_TYPE = "vocabulary.doc_type" {
        vi: "cụm từ {term}: loại giấy tờ {doc_type}: {why}",
        en: "term {term}: doc_type {doc_type}: {why}"
    }
    VOCABULARY_MEANS_NOTHING = "vocabulary.means_nothing" {
        vi: "cụm từ {term} chưa có nghĩa: hãy ghi loại giấy tờ (doc_type), cụm từ tương đương (words) hoặc cả hai",
        en: "term {term} means nothing: give a doc_type, words, or both"
    }
    SUPERSEDE_REASON = "supersede.reason" {
        vi: "lý do thay thế là amend (sửa đổi), supplement (bổ sung), annul (hủy bỏ), replace (thay thế) hoặc correct (đính chính), nhận được {got}",
        en: "a reason for superseding is amend, supplement, annul, replace or correct, got {got}"
    }
    SIGNATURE_STATUS = "signature.status" {
        vi: "trạng thái chữ ký là valid, untrusted, invalid, partial hoặc unsupported, nhận được {got}",
        en: "a signature status is valid, untrusted, invalid, partial or unsupported, got {got}"
    }
    TRUST_ANCHOR_NAME = "trust_anchor.name" {
        vi: "tên chứng thư gốc tin cậy gồm 1 đến {max} chữ cái ASCII, chữ số, '-', '_' hoặc '.', nhận được {got}",
        en: "a trust anchor name is 1 to {max} ASCII letters, digits, '-', '_' or '.', got {got}"
    }
    VERIFICATION_CODE = "verification_code.shape" {
        vi: "mã xác minh gồm 10 chữ cái và chữ số (XXXXX-XXXXX), như in dưới mã QR",
        en: "a verification code is 10 letters and digits (XXXXX-XXXXX), as printed under the QR code"
    }
    COPY_QR_SHAPE = "copy_qr.shape" {
        vi: "mã QR của bản sao chứng thực có dạng {tag}|hồ sơ|thủ tục|chủ|giấy tờ|mã",
        en: "a certified copy's QR code reads {tag}|dossier|procedure|owner|paper|code"
    }

    // Manifests.
    MANIFEST_SPLIT = "manifest.split" {
        vi: "{column} ({got}): cột {column} là yes hoặc no (cũng nhận true/false, 1/0), để trống là no",
        en: "{column} ({got}): the {column} column is yes or no (also true/false, 1/0), or empty for no"
    }
    MANIFEST_TOO_LARGE = "manifest.too_large" {
        vi: "bảng kê lớn hơn {max} byte (hãy chia nhỏ)",
        en: "the manifest is larger than {max} bytes (split it)"
    }
    MANIFEST_TOO_LARGE_FROM_HERE = "manifest.too_large_from_here" {
        vi: "bảng kê lớn hơn {max} byte; các dòng từ đây trở đi không được đọc (hãy chia nhỏ)",
        en: "the manifest is larger than {max} bytes; the rows from here on were not read (split it)"
    }
    MANIFEST_NO_HEADER = "manifest.no_header" {
        vi: "bảng kê không có dòng tiêu đề",
        en: "the manifest has no header row"
    }
    MANIFEST_BAD_HEADER = "manifest.bad_header" {
        vi: "không đọc được dòng tiêu đề của bảng kê: {why}",
        en: "the manifest's header row cannot be read: {why}"
    }
    MANIFEST_MISSING_COLUMNS = "manifest.missing_columns" {
        vi: "dòng tiêu đề của bảng kê thiếu (các) cột bắt buộc {missing}; bảng kê có: {columns}",
        en: "the manifest's header lacks the required column(s) {missing}; it has: {columns}"
    }
    MANIFEST_DUPLICATE_COLUMN = "manifest.duplicate_column" {
        vi: "bảng kê có cột {column} hai lần",
        en: "the manifest names the column {column} twice"
    }
    MANIFEST_ROW_UNREADABLE = "manifest.row_unreadable" {
        vi: "không đọc được dạng CSV: {why}",
        en: "cannot be read as CSV: {why}"
    }
    MANIFEST_CELLS = "manifest.cells" {
        vi: "có {got} ô nhưng dòng tiêu đề có {expected} cột",
        en: "has {got} cells but the header has {expected} columns"
    }
    MANIFEST_UTF8 = "manifest.utf8" {
        vi: "cột {column} không phải UTF-8 hợp lệ (hãy lưu bảng kê dạng UTF-8)",
        en: "column {column} is not valid UTF-8 (save the manifest as UTF-8)"
    }
    MANIFEST_FILE_REQUIRED = "manifest.file_required" {
        vi: "file (trống): cột file là bắt buộc",
        en: "file (empty): the file column is required"
    }
    MANIFEST_UNKNOWN_COLUMN = "manifest.unknown_column" {
        vi: "cột {column} không phải cột đã biết nên bị bỏ qua (các cột đã biết: {known})",
        en: "column {column} is not a known column and is ignored (known: {known})"
    }

    // Separator sheets.
    SEPARATOR_TOO_LONG = "separator.too_long" {
        vi: "thông tin chiếm {got} byte trong mã QR của tờ phân cách; nhiều nhất {max} byte để mã quét được chắc chắn (rút gọn tóm tắt hoặc tiêu đề)",
        en: "the metadata takes {got} bytes in the separator's QR code; at most {max} fit one that scans reliably (shorten the summary or the title)"
    }
    SEPARATOR_VERSION_UNKNOWN = "separator.version" {
        vi: "mã QR của tờ phân cách thuộc phiên bản {got}; bản kho này đọc {expected}",
        en: "the separator's QR code is of version {got}; this release of kho reads {expected}"
    }
    SEPARATOR_NOT_KHO = "separator.not_kho" {
        vi: "mã QR không phải tờ phân cách của kho (không bắt đầu bằng KHO1|)",
        en: "the QR code is not a kho separator (it does not start with KHO1|)"
    }
    SEPARATOR_FIELD_COUNT = "separator.field_count" {
        vi: "mã QR của tờ phân cách có {got} trường; {version} có {expected}",
        en: "the separator's QR code has {got} fields; {version} has {expected}"
    }
    SEPARATOR_FIELD = "separator.field" {
        vi: "trường {name} của mã QR tờ phân cách: {why}",
        en: "field {name} of the separator's QR code: {why}"
    }

    // Users.
    ROLE_UNKNOWN = "role.unknown" {
        vi: "vai trò là admin (quản trị), operator (cán bộ số hóa), clerk (cán bộ một cửa), citizen (công dân) hoặc intake (hệ thống một cửa), nhận được {got}",
        en: "a role is admin, operator, clerk, citizen or intake, got {got}"
    }
    USER_NAME_LENGTH = "user.name_length" {
        vi: "tên đăng nhập có 1 đến {max} ký tự",
        en: "a name has 1 to {max} characters"
    }
    USER_NAME_CHARS = "user.name_chars" {
        vi: "tên đăng nhập chỉ gồm chữ cái (kể cả chữ tiếng Việt), chữ số và các dấu . _ - @; không có khoảng trắng, ký tự ẩn hay chữ của bảng chữ khác, để không tên nào trông giống một tên đã có",
        en: "a name has only letters (Vietnamese ones included), digits and . _ - @; no spaces, invisible characters or letters of other scripts, so that no name looks like another"
    }
    USER_CLERK_AGENCY = "user.clerk_agency" {
        vi: "cán bộ một cửa gắn với một cơ quan: hãy cho mã cơ quan (ví dụ H47.15)",
        en: "a clerk is bound to an agency: give its agency code (e.g. H47.15)"
    }
    USER_AGENCY_NOT_CLERK = "user.agency_not_clerk" {
        vi: "chỉ cán bộ một cửa có mã cơ quan, {role} thì không",
        en: "only a clerk has an agency code, not a {role}"
    }
    USER_CITIZEN_OWNER = "user.citizen_owner" {
        vi: "công dân gắn với một số định danh: hãy cho số định danh cá nhân 12 chữ số hoặc mã số doanh nghiệp",
        en: "a citizen is bound to one owner ID: give the 12-digit personal ID or the enterprise code"
    }
    USER_OWNER_NOT_CITIZEN = "user.owner_not_citizen" {
        vi: "chỉ công dân có số định danh chủ giấy tờ, {role} thì không",
        en: "only a citizen has an owner ID, not a {role}"
    }

    // Why a document is read.
    PURPOSE_TOO_LONG = "purpose.too_long" {
        vi: "mục đích có nhiều nhất {max} ký tự",
        en: "a purpose has at most {max} characters"
    }
    DOSSIER_CODE_REQUIRED = "dossier_code.required" {
        vi: "hãy ghi hồ sơ đang xử lý: mã hồ sơ, ví dụ {example}",
        en: "name the dossier this serves: its code, e.g. {example}"
    }
    PURPOSE_REQUIRED = "purpose.required" {
        vi: "hãy ghi giấy tờ được dùng vào việc gì",
        en: "say what the document is used for"
    }

    // Requests.
    SORT_ORDER = "search.sort" {
        vi: "sắp xếp theo relevance (mức liên quan) hoặc date (ngày)",
        en: "sort by relevance or date"
    }
    LIMIT_RANGE = "request.limit" {
        vi: "từ 1 đến {max}",
        en: "1 to {max}"
    }
    OFFSET_TOO_FAR = "search.offset" {
        vi: "nhiều nhất {max}: hãy thu hẹp tìm kiếm",
        en: "at most {max}: narrow the search instead"
    }
    REVOKE_REASON = "revoke.reason" {
        vi: "hãy ghi lý do thu hồi giấy tờ, từ 1 đến {max} ký tự",
        en: "say why the document is revoked, in 1 to {max} characters"
    }
    SUCCESSOR_UNKNOWN = "supersede.successor_unknown" {
        vi: "không có giấy tờ nào có mã này",
        en: "no document with this id"
    }
    SUCCESSOR_ITSELF = "supersede.itself" {
        vi: "giấy tờ không thể thay thế chính nó",
        en: "a document cannot supersede itself"
    }
    SUCCESSOR_OTHER_OWNER = "supersede.other_owner" {
        vi: "giấy tờ thay thế thuộc chủ khác ({owner}); kết quả chỉ được thay bằng giấy tờ của cùng chủ",
        en: "the successor belongs to another owner ({owner}); a result is superseded by one of the same owner"
    }
    PAGE_MISSING = "preview.page_missing" {
        vi: "giấy tờ có {pages} trang; không có trang {page}",
        en: "the document has {pages} pages; there is no page {page}"
    }
    PAGE_CANNOT_SHOW = "preview.cannot_show" {
        vi: "không hiển thị được: {why}",
        en: "cannot be shown: {why}"
    }
    PREVIEW_WIDTH = "preview.width" {
        vi: "ảnh xem trước rộng từ {min} đến {max} điểm ảnh",
        en: "a preview is {min} to {max} pixels wide"
    }
    NOT_A_METADATA_FIELD = "request.not_a_field" {
        vi: "không phải trường thông tin của giấy tờ",
        en: "not a metadata field"
    }
    WHOLE_PAGES = "request.whole_pages" {
        vi: "một số nguyên số trang",
        en: "a whole number of pages"
    }
    LEDGER_CURSORS = "ledger.cursors" {
        vi: "chỉ dùng một trong hai: before (cũ hơn) hoặc after (mới hơn)",
        en: "one of before (older) or after (newer), not both"
    }
    LEDGER_ACTION = "ledger.action" {
        vi: "một hoạt động của nhật ký: read_metadata, search, download, reuse, refused, ...",
        en: "an action of the ledger: read_metadata, search, download, reuse, refused, ..."
    }
    FILE_REFUSED = "upload.file_refused" {
        vi: "tệp không được nhận: {why}",
        en: "{why}"
    }
    PASSWORD_RULE = "password.rule" {
        vi: "mật khẩu không đạt yêu cầu: {why}",
        en: "{why}"
    }
    CERTIFICATE_RULE = "trust_anchor.certificate" {
        vi: "chứng thư không dùng được: {why}",
        en: "{why}"
    }
    PLACE_UNKNOWN = "place.unknown" {
        vi: "không có đơn vị hành chính nào trước hay sau ngày 1/7/2025 mang tên này; hãy kiểm tra chính tả (có dấu hay không dấu đều được), ví dụ \"Đà Nẵng\", \"huyện Núi Thành\", \"xã Núi Thành, Đà Nẵng\"",
        en: "no administrative unit of before or after 1 July 2025 has this name; check the spelling (with or without diacritics), e.g. \"Đà Nẵng\", \"huyện Núi Thành\", \"xã Núi Thành, Đà Nẵng\""
    }
    PLACE_AMBIGUOUS = "place.ambiguous" {
        vi: "tên này chỉ {count} đơn vị ({names}{more}); hãy thêm loại đơn vị, tên tỉnh hoặc tên huyện, ví dụ \"{example}\"",
        en: "names {count} units ({names}{more}); add the type word, the province or the district, e.g. \"{example}\""
    }
    PLACE_QUERY_AMBIGUOUS = "place.query_ambiguous" {
        vi: "\"{typed}\" có ở {count} đơn vị thuộc {provinces} tỉnh, thành phố: chỉ tìm theo chữ; thêm tên tỉnh để tìm theo địa danh",
        en: "\"{typed}\" is the name of {count} units in {provinces} provinces and cities: searched as words only; add the province to search by place"
    }

    // Roles and acts, the words of refusals.
    ROLE_ADMIN = "role.admin" { vi: "quản trị viên", en: "admin" }
    ROLE_OPERATOR = "role.operator" { vi: "cán bộ số hóa", en: "operator" }
    ROLE_CLERK = "role.clerk" { vi: "cán bộ một cửa", en: "clerk" }
    ROLE_CITIZEN = "role.citizen" { vi: "công dân", en: "citizen" }
    ROLE_INTAKE = "role.intake" { vi: "hệ thống một cửa", en: "intake" }
    ACT_UPLOAD = "act.upload" { vi: "tải giấy tờ lên", en: "upload documents" }
    ACT_CHANGE_LIFECYCLE = "act.change_lifecycle" {
        vi: "thu hồi hoặc thay thế giấy tờ",
        en: "revoke or supersede documents"
    }
    ACT_REEXTRACT = "act.reextract" {
        vi: "đọc lại văn bản của giấy tờ",
        en: "re-extract the text of documents"
    }
    ACT_SPLIT_STACKS = "act.split_stacks" {
        vi: "giữ hoặc tách xấp bản quét",
        en: "keep or split scanned stacks"
    }
    ACT_MANAGE_PLACES = "act.manage_places" {
        vi: "thay danh mục địa danh hoặc đọc lại địa danh của giấy tờ",
        en: "change the gazetteer or re-read the places of documents"
    }
    ACT_READ_DOCUMENTS = "act.read_documents" { vi: "xem giấy tờ", en: "read documents" }
    ACT_REUSE = "act.reuse" {
        vi: "dùng lại giấy tờ cho hồ sơ",
        en: "reuse documents in a dossier"
    }
    ACT_SEE_LEDGER = "act.see_ledger" {
        vi: "xem nhật ký truy cập",
        en: "see the access ledger"
    }
    ACT_SEE_BATCHES = "act.see_batches" {
        vi: "xem báo cáo các lô nhập",
        en: "read batch reports"
    }
    ACT_MANAGE_ACCOUNTS = "act.manage_accounts" {
        vi: "quản lý tài khoản và mã truy cập",
        en: "manage users and tokens"
    }
    ACT_BACKUP = "act.backup" { vi: "sao lưu", en: "make backups" }
    ACT_CERTIFY = "act.certify" {
        vi: "cấp bản sao điện tử có chứng thực",
        en: "issue certified copies"
    }
    ACT_MANAGE_TRUST = "act.manage_trust" {
        vi: "quản lý chứng thư gốc tin cậy",
        en: "manage trust anchors"
    }

    // Refusals (schemas::policy).
    REFUSAL_ROLE = "refusal.role" {
        vi: "vai trò {role} không được {act}",
        en: "a {role} cannot {act}"
    }
    REFUSAL_ROLE_AN = "refusal.role_an" {
        vi: "vai trò {role} không được {act}",
        en: "an {role} cannot {act}"
    }
    REFUSAL_NO_DOCUMENT = "refusal.not_found.document" {
        vi: "không có giấy tờ nào có mã {id}",
        en: "no document with id {id}"
    }
    REFUSAL_NO_OWNER = "refusal.not_found.owner" {
        vi: "không có chủ giấy tờ {owner}",
        en: "no owner {owner}"
    }
    REFUSAL_CLERK_NO_AGENCY = "refusal.dossier.no_agency" {
        vi: "tài khoản cán bộ một cửa này chưa có mã cơ quan; quản trị viên cần đặt mã",
        en: "this clerk has no agency code; an admin must set one"
    }
    REFUSAL_CLERK_AGENCY_INVALID = "refusal.dossier.agency_invalid" {
        vi: "mã cơ quan của cán bộ này không hợp lệ: {why}",
        en: "this clerk's agency code is not valid: {why}"
    }
    REFUSAL_OTHER_PROVINCE = "refusal.dossier.other_province" {
        vi: "hồ sơ {dossier} do cơ quan thuộc {dossier_unit} tiếp nhận; cán bộ của {agency} chỉ tra cứu cho hồ sơ của {own_unit}",
        en: "dossier {dossier} was received by an agency of {dossier_unit}; a clerk of {agency} reads for dossiers of {own_unit} only"
    }
    FIELD_RULE = "field.rule" {
        vi: "{field} {value}: {rule}",
        en: "{field} {value}: {rule}"
    }
    FIELD_RULE_EMPTY = "field.rule_empty" {
        vi: "{field} (trống): {rule}",
        en: "{field} (empty): {rule}"
    }

    // What the API answers besides rules and refusals.
    NO_BATCH = "not_found.batch" { vi: "không có lô nhập {id}", en: "no batch {id}" }
    NO_STACK = "not_found.stack" {
        vi: "không có xấp bản quét {sha256} được giữ",
        en: "no kept stack {sha256}"
    }
    NO_ROUTE = "not_found.route" {
        vi: "không có địa chỉ {path}; API được mô tả tại /api/v1/openapi.json",
        en: "no such route {path}; the API is described at /api/v1/openapi.json"
    }
    UNAUTHENTICATED = "auth.unauthenticated" {
        vi: "hãy đăng nhập trước: gửi `Authorization: Bearer TOKEN` (mã truy cập từ `kho token create` hoặc từ POST /api/v1/login)",
        en: "sign in first: send `Authorization: Bearer TOKEN` (a token from `kho token create`, or from POST /api/v1/login)"
    }
    INVALID_LOGIN = "auth.invalid_login" {
        vi: "sai tên đăng nhập hoặc mật khẩu",
        en: "wrong user name or password"
    }
    INVALID_FIELDS = "request.invalid" {
        vi: "yêu cầu có {count} trường không hợp lệ: {errors}",
        en: "{errors}"
    }
    QUERY_UNREADABLE = "request.query" {
        vi: "không đọc được chuỗi truy vấn: {why}",
        en: "the query string cannot be read: {why}"
    }
    PATH_UNREADABLE = "request.path" {
        vi: "không đọc được đường dẫn: {why}",
        en: "the path cannot be read: {why}"
    }
    JSON_UNREADABLE = "request.json" {
        vi: "không đọc được nội dung dạng JSON mà địa chỉ này nhận (Content-Type: application/json): {why}",
        en: "the body cannot be read as the JSON this route takes (Content-Type: application/json): {why}"
    }
    NOT_MULTIPART = "request.not_multipart" {
        vi: "nội dung không phải biểu mẫu multipart/form-data: {why}",
        en: "the body is not a multipart/form-data form: {why}"
    }
    FORM_UNREADABLE = "request.form" {
        vi: "không đọc được biểu mẫu: {why}",
        en: "the form cannot be read: {why}"
    }
    PART_UNREADABLE = "request.part" {
        vi: "không đọc được {what}: {why}",
        en: "{what} cannot be read: {why}"
    }
    FIELD_NOT_UTF8 = "request.field_utf8" {
        vi: "trường {name} không phải văn bản UTF-8",
        en: "field {name} is not UTF-8 text"
    }
    NO_FILE_FIELD = "request.no_file" {
        vi: "biểu mẫu không có trường `file`",
        en: "the form has no `file` field"
    }
    COPY_AS_BODY = "request.copy_body" {
        vi: "hãy gửi bản sao làm nội dung của yêu cầu (Content-Type: application/pdf)",
        en: "send the copy as the request body (Content-Type: application/pdf)"
    }
    SEARCH_QUERY = "search.query" {
        vi: "không hiểu câu tìm kiếm: {why}",
        en: "{why}"
    }
    UNKNOWN_CHANGE = "request.change" {
        vi: "không có thay đổi {got}: revoke (thu hồi) hoặc supersede (thay thế)",
        en: "unknown change {got}: revoke or supersede"
    }
    CSRF_MISMATCH = "web.csrf" {
        vi: "mã bảo vệ của biểu mẫu không khớp với phiên đăng nhập này; hãy tải lại trang và gửi lại",
        en: "the form's security token does not match this session; reload the page and send it again"
    }
    FOREIGN_ORIGIN = "web.origin" {
        vi: "biểu mẫu từ {origin} không được thao tác trên trang này",
        en: "a form from {origin} cannot act on this site"
    }
    CITIZEN_PAGES = "web.citizen_only" {
        vi: "các trang này dành cho công dân và tổ chức có số định danh",
        en: "these pages are for citizens and organizations with an owner ID"
    }
    // Ingest: why a file of a batch is rejected (docs/ingest.md). `{why}` is the operating
    // system's or a library's own reason, quoted as given.
    INGEST_AT_LINE = "ingest.at_line" {
        vi: "dòng {line}: {reason}",
        en: "line {line}: {reason}"
    }
    INGEST_NO_SUCH_PATH = "ingest.no_such_path" {
        vi: "không có tệp hay thư mục này",
        en: "no such file or folder"
    }
    INGEST_CANNOT_READ_PATH = "ingest.cannot_read_path" {
        vi: "không đọc được: {why}",
        en: "cannot read it: {why}"
    }
    INGEST_CANNOT_LIST = "ingest.cannot_list" {
        vi: "không liệt kê được thư mục: {why}",
        en: "cannot list the folder: {why}"
    }
    INGEST_CANNOT_OPEN = "ingest.cannot_open" {
        vi: "không mở được tệp: {why}",
        en: "cannot open the file: {why}"
    }
    INGEST_CANNOT_READ = "ingest.cannot_read" {
        vi: "không đọc được tệp: {why}",
        en: "cannot read the file: {why}"
    }
    INGEST_TOO_LARGE = "ingest.too_large" {
        vi: "tệp có {size} byte; kho nhận tối đa {max} byte mỗi tệp",
        en: "the file is {size} bytes; kho accepts at most {max} bytes per file"
    }
    INGEST_OVER_BLOB_LIMIT = "ingest.over_blob_limit" {
        vi: "tệp lớn hơn giới hạn {max} byte",
        en: "the file is larger than the limit of {max} bytes"
    }
    INGEST_EMPTY = "ingest.empty" {
        vi: "tệp rỗng (0 byte)",
        en: "the file is empty (0 bytes)"
    }
    INGEST_UNSUPPORTED_FORMAT = "ingest.unsupported_format" {
        vi: "không phải tệp PDF, PNG, JPEG hay TIFF: nội dung của nó là {content} (kho xét nội dung, không xét tên tệp)",
        en: "not a PDF, PNG, JPEG or TIFF file: its content is {content} (kho goes by content, not by the file name)"
    }
    // The kinds of a rejection (`reject_kind`), as counted in a batch's summary.
    REJECT_METADATA = "reject_kind.metadata" { vi: "thông tin mô tả sai", en: "bad metadata" }
    REJECT_MANIFEST_ROW = "reject_kind.manifest_row" { vi: "dòng danh mục sai", en: "unreadable manifest row" }
    REJECT_PATH = "reject_kind.path" { vi: "đường dẫn tệp sai", en: "missing file or bad path" }
    REJECT_REPEATED_FILE = "reject_kind.repeated_file" { vi: "tệp bị lặp trong lô", en: "file named twice" }
    REJECT_UNREADABLE = "reject_kind.unreadable" { vi: "không đọc được tệp", en: "unreadable file" }
    REJECT_TOO_LARGE = "reject_kind.too_large" { vi: "tệp quá lớn", en: "too large" }
    REJECT_EMPTY = "reject_kind.empty" { vi: "tệp rỗng", en: "empty file" }
    REJECT_UNSUPPORTED_FORMAT = "reject_kind.unsupported_format" { vi: "định dạng không hỗ trợ", en: "not a PDF, PNG, JPEG or TIFF" }
    REJECT_DAMAGED = "reject_kind.damaged" { vi: "tệp bị hỏng", en: "damaged file" }
    REJECT_ENCRYPTED = "reject_kind.encrypted" { vi: "tệp được đặt mật khẩu", en: "password-protected" }
    REJECT_OVER_LIMITS = "reject_kind.over_limits" { vi: "vượt giới hạn số trang hay điểm ảnh", en: "over the page or pixel limits" }
    REJECT_NO_SEPARATOR = "reject_kind.no_separator" { vi: "trang trước tờ phân cách đầu tiên", en: "pages before the first separator" }
    REJECT_BAD_SEPARATOR = "reject_kind.bad_separator" { vi: "tờ phân cách không dùng được", en: "unusable separator sheet" }
    REJECT_MISSED_SEPARATOR = "reject_kind.missed_separator" { vi: "quá --max-pages (thiếu tờ phân cách?)", en: "over --max-pages (missed separator?)" }
    REJECT_EMPTY_SEGMENT = "reject_kind.empty_segment" { vi: "tờ phân cách không có trang nào theo sau", en: "separator with no pages" }
    REJECT_UNSPLITTABLE = "reject_kind.unsplittable" { vi: "không tách được", en: "cannot be split" }
    // A file's outcome, as `kho ingest` prints it.
    STATUS_STORED = "status.stored" { vi: "đã lưu", en: "stored" }
    STATUS_DUPLICATE = "status.duplicate" { vi: "đã có", en: "duplicate" }
    STATUS_REJECTED = "status.rejected" { vi: "TỪ CHỐI", en: "REJECTED" }
    // What a file that is not a scan looks like, by its first bytes.
    CONTENT_ZIP = "content.zip" {
        vi: "một tệp nén ZIP (tệp Word .docx, Excel .xlsx và OpenDocument cũng là tệp ZIP)",
        en: "a ZIP archive (Word .docx, Excel .xlsx and OpenDocument files are ZIP archives too)"
    }
    CONTENT_OLD_OFFICE = "content.old_office" {
        vi: "một văn bản Microsoft Office kiểu cũ (.doc, .xls)",
        en: "an old Microsoft Office document (.doc, .xls)"
    }
    CONTENT_GIF = "content.gif" { vi: "một ảnh GIF", en: "a GIF image" }
    CONTENT_BMP = "content.bmp" { vi: "một ảnh BMP", en: "a BMP image" }
    CONTENT_WEBP = "content.webp" { vi: "một ảnh WebP", en: "a WebP image" }
    CONTENT_HEIC = "content.heic" {
        vi: "một ảnh HEIC/HEIF hoặc một đoạn phim",
        en: "an HEIC/HEIF image or a video"
    }
    CONTENT_ARCHIVE = "content.archive" { vi: "một tệp nén", en: "a compressed archive" }
    CONTENT_RTF = "content.rtf" { vi: "một văn bản RTF", en: "an RTF document" }
    CONTENT_HTML = "content.html" { vi: "một trang HTML", en: "an HTML page" }
    CONTENT_TEXT = "content.text" { vi: "văn bản thuần", en: "plain text" }
    CONTENT_BINARY = "content.binary" {
        vi: "dữ liệu nhị phân không nhận ra được",
        en: "unrecognised binary data"
    }
    INGEST_DAMAGED = "ingest.damaged" {
        vi: "tệp {format} bị hỏng: {detail}",
        en: "damaged {format}: {detail}"
    }
    INGEST_ENCRYPTED = "ingest.encrypted" {
        vi: "tệp PDF được bảo vệ bằng mật khẩu; kho không đọc được. Hãy xin bản không đặt mật khẩu",
        en: "the PDF is protected by a password; kho cannot read it. Ask for an unprotected copy"
    }
    INGEST_NO_PAGES = "ingest.no_pages" {
        vi: "tệp {format} không có trang nào",
        en: "the {format} has no pages"
    }
    INGEST_TOO_MANY_PAGES = "ingest.too_many_pages" {
        vi: "tệp {format} có {pages} trang; kho nhận tối đa {max} trang mỗi tệp (hãy tách tệp)",
        en: "the {format} has {pages} pages; kho accepts at most {max} pages per file (split it)"
    }
    INGEST_TOO_MANY_PIXELS = "ingest.too_many_pixels" {
        vi: "trang {page} của tệp {format} có {width}x{height} điểm ảnh; kho nhận tối đa {max_side} điểm ảnh mỗi cạnh và {max_pixels} điểm ảnh mỗi trang",
        en: "page {page} of the {format} claims {width}x{height} pixels; kho accepts at most {max_side} pixels a side and {max_pixels} pixels a page"
    }
    INGEST_ABSOLUTE_PATH = "ingest.absolute_path" {
        vi: "tệp {file}: không được dùng đường dẫn tuyệt đối; hãy ghi đường dẫn tương đối với thư mục của bảng kê (hoặc --root)",
        en: "file {file}: an absolute path is not allowed; give the path relative to the manifest's folder (or --root)"
    }
    INGEST_LEAVES_ROOT = "ingest.leaves_root" {
        vi: "tệp {file}: đường dẫn ra ngoài thư mục gốc (..)",
        en: "file {file}: the path leaves the root folder (..)"
    }
    INGEST_NOT_UNDER_ROOT = "ingest.not_under_root" {
        vi: "tệp {file}: không có tệp này trong {root}",
        en: "file {file}: no such file under {root}"
    }
    INGEST_AMBIGUOUS_NAME = "ingest.ambiguous_name" {
        vi: "tệp {file}: {count} tệp khác nhau có tên này, viết theo các dạng Unicode khác nhau (NFC và NFD): {names}; hãy đổi tên hoặc bỏ đi, chỉ giữ một",
        en: "file {file}: {count} different files have this name, written in different Unicode forms (NFC and NFD): {names}; rename or remove all but one"
    }
    INGEST_ROW_UNREADABLE = "ingest.row_unreadable" {
        vi: "tệp {file}: không đọc được: {why}",
        en: "file {file}: cannot read it: {why}"
    }
    INGEST_LINK_OUTSIDE = "ingest.link_outside" {
        vi: "tệp {file}: liên kết tượng trưng dẫn ra ngoài thư mục gốc",
        en: "file {file}: a symbolic link that leads outside the root folder"
    }
    INGEST_IS_FOLDER = "ingest.is_folder" {
        vi: "tệp {file}: là một thư mục; mỗi dòng của bảng kê ghi một tệp",
        en: "file {file}: is a folder; a manifest row names one file"
    }
    INGEST_REPEATED_FILE = "ingest.repeated_file" {
        vi: "ghi cùng một tệp với dòng {first}",
        en: "names the same file as line {first}"
    }
    METADATA_ERRORS = "metadata.errors" {
        vi: "{errors}",
        en: "{errors}"
    }
    INGEST_STACK_IN_PIPELINE = "ingest.stack_in_pipeline" {
        vi: "một xấp tài liệu đã đi vào luồng xử lý tệp đơn; hãy chạy lại dòng này",
        en: "a stack reached the pipeline of single files; run the row again"
    }
    INGEST_CANNOT_SPLIT = "ingest.cannot_split" {
        vi: "không tách được tệp: {why}",
        en: "the file cannot be split: {why}"
    }
    INGEST_NO_SEPARATOR_NO_DEFAULTS = "ingest.no_separator_no_defaults" {
        vi: "tệp không có tờ phân cách, và thông tin mặc định không mô tả được nó như một giấy tờ: {errors}",
        en: "no separator sheet in the file, and the default metadata cannot describe it as one document: {errors}"
    }
    INGEST_BEFORE_SEPARATOR = "ingest.before_separator" {
        vi: "{range} đứng trước tờ phân cách đầu tiên: không có thông tin cho chúng (hãy đặt một tờ phân cách phía trước và quét lại)",
        en: "{range} come before the first separator sheet: no metadata for them (put a separator in front and scan them again)"
    }
    INGEST_BAD_SEPARATOR = "ingest.bad_separator" {
        vi: "không dùng được tờ phân cách ở trang {page} ({why}); {range} không được lưu",
        en: "the separator on page {page} cannot be used ({why}); {range} not stored"
    }
    INGEST_EMPTY_SEGMENT = "ingest.empty_segment" {
        vi: "sau tờ phân cách ở trang {page} không có trang nào để lưu",
        en: "the separator on page {page} is followed by no page to store"
    }
    INGEST_MISSED_SEPARATOR = "ingest.missed_separator" {
        vi: "{range} sau tờ phân cách ở trang {page} gồm {pages} trang, nhiều hơn --max-pages {max}: có lẽ đã sót một tờ phân cách (hãy kiểm tra xấp tài liệu và quét lại)",
        en: "{range} after the separator on page {page} make {pages} pages, more than --max-pages {max}: a separator was probably missed (check the stack and scan it again)"
    }
    INGEST_PAGE_NO_TEXT = "ingest.page_no_text" {
        vi: "trang {page}: không đọc được chữ ({why})",
        en: "page {page}: no text ({why})"
    }
    INGEST_NOTHING_READABLE = "ingest.nothing_readable" {
        vi: "không có gì đọc được",
        en: "nothing readable"
    }
    INGEST_PAGE_NOT_CHECKED = "ingest.page_not_checked" {
        vi: "trang {page}: chưa xem được là tờ phân cách hay trang trắng ({why})",
        en: "page {page}: not checked for a separator or blankness ({why})"
    }
    UPLOAD_UNKNOWN_FIELD = "upload.unknown_field" {
        vi: "trường {name} không được biết đến, đã bỏ qua",
        en: "unknown field {name} ignored"
    }
    PAGE_ONE = "pages.one" { vi: "trang số {page}", en: "page {page}" }
    PAGE_RANGE = "pages.range" { vi: "các trang {first}-{last}", en: "pages {first}-{last}" }
    // Conflicts (409): the state of the store refuses the change.
    CONFLICT_RECORD_EXISTS = "conflict.record_exists" {
        vi: "đã có một bản ghi mã {id}",
        en: "a record with id {id} exists already"
    }
    CONFLICT_RECORD_REPEATS = "conflict.record_repeats" {
        vi: "bản ghi {id} trùng {what} với một bản ghi khác",
        en: "record {id} repeats the {what} of another record"
    }
    CONFLICT_BLOBS_ELSEWHERE = "conflict.blobs_elsewhere" {
        vi: "kho tại {root} giữ bản gốc ở {kept}, không phải {asked}; hãy ghi --blobs {kept} hoặc bỏ --blobs",
        en: "the store at {root} keeps its originals in {kept}, not {asked}; give --blobs {kept} or no --blobs"
    }
    CONFLICT_BLOBS_CANNOT_MOVE = "conflict.blobs_cannot_move" {
        vi: "kho tại {root} giữ bản gốc trong thư mục của nó; không chuyển sang {asked} được: hãy xuất kho rồi nhập gói với --blobs {asked} vào một thư mục --data mới",
        en: "the store at {root} keeps its originals in its own folder; it cannot move to {asked}: export it and import the bag with --blobs {asked} into a new --data folder"
    }
    CONFLICT_BUCKET_VERSION = "conflict.bucket_version" {
        vi: "kho lưu trữ {bucket} có phiên bản bố cục {found}; bản kho này đọc phiên bản {supported}: hãy dùng bản kho tương ứng",
        en: "the bucket {bucket} has layout version {found}; this kho reads version {supported}: use a matching kho release"
    }
    CONFLICT_FOLDER_NOT_EMPTY = "conflict.folder_not_empty" {
        vi: "{path} không trống; {what} cần một thư mục mới hoặc trống",
        en: "{path} is not empty; {what} needs a new or empty folder"
    }
    CONFLICT_FOLDER_IS_FILE = "conflict.folder_is_file" {
        vi: "{path} là một tệp; {what} cần một thư mục mới hoặc trống",
        en: "{path} is a file; {what} needs a new or empty folder"
    }
    WORDS_EXPORT = "words.export" { vi: "việc xuất kho", en: "an export" }
    WORDS_IMPORT = "words.import" { vi: "việc nhập kho", en: "an import" }
    CONFLICT_SUCCESSOR_ENDED = "conflict.successor_ended" {
        vi: "giấy tờ thay thế {id} đã bị thu hồi hoặc bị thay thế",
        en: "the successor {id} is itself revoked or superseded"
    }
    CONFLICT_ALREADY_REVOKED = "conflict.already_revoked" {
        vi: "giấy tờ {id} đã bị thu hồi; thay đổi hiệu lực là cuối cùng",
        en: "document {id} is already revoked; a lifecycle change is final"
    }
    CONFLICT_ALREADY_SUPERSEDED = "conflict.already_superseded" {
        vi: "giấy tờ {id} đã được thay thế bằng {successor}; thay đổi hiệu lực là cuối cùng",
        en: "document {id} is already superseded by {successor}; a lifecycle change is final"
    }
    CONFLICT_REUSE_EXPIRED = "conflict.reuse_expired" {
        vi: "giấy tờ {id} đã hết hiệu lực ngày {date}: chỉ tái sử dụng giấy tờ còn hiệu lực (vẫn xem được, và lần xem được ghi lại)",
        en: "document {id} expired on {date}: only documents in force are reused (it can still be read, and the read is recorded)"
    }
    CONFLICT_REUSE_REVOKED = "conflict.reuse_revoked" {
        vi: "giấy tờ {id} đã bị thu hồi ngày {date}: chỉ tái sử dụng giấy tờ còn hiệu lực",
        en: "document {id} was revoked on {date}: only documents in force are reused"
    }
    CONFLICT_REUSE_SUPERSEDED = "conflict.reuse_superseded" {
        vi: "giấy tờ {id} đã được thay thế bằng {successor}: hãy tái sử dụng giấy tờ thay thế",
        en: "document {id} is superseded by {successor}: reuse the document that replaced it"
    }
    REUSE_PROCEDURE_NOT_THE_DOSSIERS = "reuse.procedure_not_the_dossiers" {
        vi: "hồ sơ {code} được đăng ký cho thủ tục {procedure}; bỏ trống hoặc ghi đúng mã thủ tục đó",
        en: "dossier {code} was registered for procedure {procedure}; leave it empty or give that code"
    }
    CONFLICT_CERTIFY_REVOKED = "conflict.certify_revoked" {
        vi: "giấy tờ {id} đã bị thu hồi ngày {date}: chỉ chứng thực bản sao của giấy tờ còn hiệu lực",
        en: "document {id} was revoked on {date}: certified copies are made only of documents in force"
    }
    CONFLICT_CERTIFY_SUPERSEDED = "conflict.certify_superseded" {
        vi: "giấy tờ {id} đã được thay thế bằng {successor}: chỉ chứng thực bản sao của giấy tờ còn hiệu lực",
        en: "document {id} is superseded by {successor}: certified copies are made only of documents in force"
    }
    CONFLICT_USER_CASE = "conflict.user_case" {
        vi: "đã có người dùng tên \"{taken}\"; các tên chỉ khác nhau chữ hoa chữ thường là một tên: hãy chọn tên khác",
        en: "a user named \"{taken}\" already exists; names that differ only by case are one name: choose another"
    }
    CONFLICT_USER_EXISTS = "conflict.user_exists" {
        vi: "đã có người dùng tên \"{name}\"",
        en: "a user named \"{name}\" already exists"
    }
    // Signing in through the provider of electronic identity (OpenID Connect, #20):
    // search-api/src/oidc/, archive-core/src/service/sign_in.rs.
    OIDC_NOT_CONFIGURED = "oidc.not_configured" {
        vi: "kho này chưa bật đăng nhập bằng tài khoản định danh điện tử (kho serve --oidc-issuer)",
        en: "this kho does not sign in through an identity provider (kho serve --oidc-issuer)"
    }
    OIDC_PROVIDER_UNREACHABLE = "oidc.provider_unreachable" {
        vi: "không kết nối được với hệ thống định danh {issuer}: {why}; vui lòng thử lại sau",
        en: "the identity provider {issuer} cannot be reached: {why}; try again later"
    }
    OIDC_STATE_MISMATCH = "oidc.state_mismatch" {
        vi: "phiên đăng nhập không khớp hoặc đã dùng (tham số state); vui lòng đăng nhập lại từ đầu",
        en: "the sign-in does not match one this browser started, or was already used (state); start again"
    }
    OIDC_PROVIDER_ERROR = "oidc.provider_error" {
        vi: "hệ thống định danh từ chối đăng nhập: {error}",
        en: "the identity provider refused the sign-in: {error}"
    }
    OIDC_TOKEN_EXCHANGE = "oidc.token_exchange" {
        vi: "không đổi được mã xác thực lấy ID token tại hệ thống định danh: {why}",
        en: "the authorization code could not be exchanged for an ID token: {why}"
    }
    OIDC_TOKEN_INVALID = "oidc.token_invalid" {
        vi: "ID token không hợp lệ ({why}); kho không chấp nhận đăng nhập này",
        en: "the ID token is not valid ({why}); the sign-in is refused"
    }
    OIDC_ACR = "oidc.acr" {
        vi: "mức độ đảm bảo xác thực \"{got}\" không đủ; cần {wanted}",
        en: "the assurance level \"{got}\" is not enough; {wanted} is required"
    }
    OIDC_ID_CLAIM_MISSING = "oidc.id_claim_missing" {
        vi: "ID token không có số định danh cá nhân (trường \"{claim}\")",
        en: "the ID token carries no personal ID (claim \"{claim}\")"
    }
    OIDC_ID_CLAIM_INVALID = "oidc.id_claim_invalid" {
        vi: "số định danh trong ID token (trường \"{claim}\") không hợp lệ: {why}",
        en: "the personal ID in the ID token (claim \"{claim}\") is not valid: {why}"
    }
    OIDC_ROLE_CLAIM = "oidc.role_claim" {
        vi: "vai trò \"{got}\" trong ID token (trường \"{claim}\") không được nhận; chỉ cán bộ (clerk) và người nhập liệu (operator) đăng nhập được qua hệ thống định danh",
        en: "the role \"{got}\" in the ID token (claim \"{claim}\") is not accepted; only clerk and operator sign in through the provider"
    }
    OIDC_STAFF_CLAIMS = "oidc.staff_claims" {
        vi: "thông tin cán bộ trong ID token không hợp lệ: {why}",
        en: "the staff claims of the ID token are not valid: {why}"
    }
    OIDC_IDENTITY_CHANGED = "oidc.identity_changed" {
        vi: "tài khoản {user} gắn với số định danh {bound}, nhưng hệ thống định danh nay báo {got}; hãy liên hệ quản trị",
        en: "account {user} is bound to personal ID {bound} but the provider now says {got}; contact an administrator"
    }
    OIDC_NAME_TAKEN = "oidc.name_taken" {
        vi: "tên {user} đã là một tài khoản nội bộ của kho; quản trị phải đổi tên tài khoản đó trước",
        en: "{user} is already a local account of kho; an administrator must rename it first"
    }
    OIDC_ACCOUNT_DISABLED = "oidc.account_disabled" {
        vi: "tài khoản {user} đã bị khóa",
        en: "account {user} is disabled"
    }
    CONFLICT_ANCHOR_NAME = "conflict.anchor_name" {
        vi: "đã có chứng thư tin cậy tên \"{name}\"; hãy gỡ nó trước hoặc chọn --name khác",
        en: "a trust anchor named \"{name}\" exists; remove it first or choose another --name"
    }
    CONFLICT_ANCHOR_TRUSTED = "conflict.anchor_trusted" {
        vi: "chứng thư này đã được tin cậy, với tên \"{name}\"",
        en: "this certificate is already trusted, as \"{name}\""
    }
    CONFLICT_NO_ANCHOR = "conflict.no_anchor" {
        vi: "không có chứng thư tin cậy nào tên \"{name}\"; `kho trust list` liệt kê chúng",
        en: "no trust anchor is named \"{name}\"; `kho trust list` shows them"
    }
    CONFLICT_COPY_CODE = "conflict.copy_code" {
        vi: "mã xác minh {code} đã được dùng; hãy làm lại bản sao",
        en: "verification code {code} is taken; make the copy again"
    }
    CONFLICT_NO_BACKUPS = "conflict.no_backups" {
        vi: "chưa cấu hình sao lưu: hãy chạy kho serve với --backup-dir THƯ_MỤC",
        en: "backups are not configured: start kho serve with --backup-dir FOLDER"
    }
    CONFLICT_BACKUP_RUNNING = "conflict.backup_running" {
        vi: "đang có một bản sao lưu chạy; hãy thử lại khi nó xong",
        en: "a backup is already running; try again when it has finished"
    }
    CONFLICT_NO_SIGNING_KEY = "conflict.no_signing_key" {
        vi: "máy chủ này chưa được cấu hình để ký bản sao có chứng thực; hãy liên hệ quản trị viên (khóa ký của cơ quan: kho serve --signing-key)",
        en: "this server has no signing key: start it with `kho serve --signing-key AGENCY.p12`"
    }
    CONFLICT_SHARE_REVOKED = "conflict.share_revoked" {
        vi: "lượt chia sẻ {id} đã bị thu hồi",
        en: "share {id} is revoked already"
    }
    CONFLICT_DOSSIER_REGISTERED = "conflict.dossier_registered" {
        vi: "hồ sơ {code} đã được đăng ký với thông tin khác (bởi {by} lúc {at}); người nộp, thủ tục, cơ quan và ngày tiếp nhận của hồ sơ không thay đổi",
        en: "dossier {code} is registered already with other fields (registered by {by} at {at}); a dossier's applicants, procedure, agency and date do not change"
    }
    // Too large (413).
    TOO_LARGE_FILE = "too_large.file" {
        vi: "{file}: kho nhận tối đa {max} byte mỗi tệp",
        en: "{file}: kho accepts at most {max} bytes per file"
    }
    TOO_LARGE_FIELD = "too_large.field" {
        vi: "trường {name} dài hơn {max} byte",
        en: "field {name} is longer than {max} bytes"
    }
    TOO_LARGE_BODY = "too_large.body" {
        vi: "không đọc được tệp: {why}",
        en: "the file cannot be read: {why}"
    }
    WORDS_THE_FILE = "words.the_file" { vi: "tệp", en: "the file" }
    WORDS_FIELD = "words.field" { vi: "trường {name}", en: "field {name}" }
    NO_CERTIFIED_COPY = "not_found.certified_copy" {
        vi: "không có bản sao chứng thực nào có mã {code}: hãy kiểm tra các ký tự dưới mã QR",
        en: "no certified copy has the code {code}: check the letters under the QR code"
    }
    // Registered dossiers and shares (#20).
    ACT_REGISTER_DOSSIER = "act.register_dossier" {
        vi: "đăng ký hồ sơ",
        en: "register dossiers"
    }
    ACT_SHARE = "act.share" {
        vi: "chia sẻ giấy tờ",
        en: "share documents"
    }
    REFUSAL_DOSSIER_NOT_REGISTERED = "refusal.dossier.not_registered" {
        vi: "hồ sơ {code} chưa được đăng ký: hệ thống một cửa chưa gửi hồ sơ này cho kho; cán bộ một cửa chỉ xem giấy tờ cho hồ sơ đã đăng ký cùng người nộp",
        en: "dossier {code} is not registered: the one-stop system has not sent it to kho (POST /api/v1/dossiers); a clerk reads only for dossiers registered with their applicants"
    }
    REFUSAL_DOSSIER_OTHER_APPLICANT = "refusal.dossier.other_applicant" {
        vi: "hồ sơ {code} được đăng ký cho một người nộp khác; giấy tờ này không phải của họ và không được chia sẻ cho hồ sơ",
        en: "dossier {code} was registered for another applicant; this document is not theirs and was not shared with it"
    }
    REFUSAL_DOSSIER_OTHER_APPLICANTS = "refusal.dossier.other_applicants" {
        vi: "hồ sơ {code} được đăng ký cho {count} người nộp khác; giấy tờ này không phải của họ và không được chia sẻ cho hồ sơ",
        en: "dossier {code} was registered for {count} other applicants; this document is not theirs and was not shared with it"
    }
    REFUSAL_REGISTER_OTHER_PROVINCE = "refusal.dossier.register_other_province" {
        vi: "hồ sơ {code} do cơ quan thuộc {unit} tiếp nhận; cán bộ một cửa chỉ đăng ký hồ sơ của {own}",
        en: "dossier {code} was received by an agency of {unit}; a clerk registers dossiers of {own} only"
    }
    DOSSIER_CHECK_UNKNOWN = "dossier_check.unknown" {
        vi: "cách kiểm tra hồ sơ là `format` hoặc `registered`, nhận được {got}",
        en: "the dossier check is `format` or `registered`, got {got}"
    }
    DOSSIER_APPLICANTS_NONE = "dossier.applicants.none" {
        vi: "hồ sơ cần ít nhất một số định danh của người nộp",
        en: "a dossier names at least one applicant's owner ID"
    }
    QUERY_VALUE_NOT_A_COUNT = "query.value.not_a_count" {
        vi: "cần một số nguyên không âm",
        en: "a whole number, 0 or more, is expected"
    }
    QUERY_VALUE_NOT_YES_NO = "query.value.not_yes_no" {
        vi: "cần true hoặc false",
        en: "true or false is expected"
    }
    QUERY_VALUE_UNREADABLE = "query.value.unreadable" {
        vi: "không đọc được giá trị này",
        en: "this value cannot be read"
    }
    DOSSIER_APPLICANT_REPEATED = "dossier.applicants.repeated" {
        vi: "người nộp này đã có trong danh sách",
        en: "this applicant is already in the list"
    }
    DOSSIER_RECEIVED_LATER = "dossier.received_on.later" {
        vi: "ngày tiếp nhận sau hôm nay ({today}): chỉ đăng ký hồ sơ đã tiếp nhận",
        en: "the reception date is after today ({today}): only dossiers already received are registered"
    }
    DOSSIER_APPLICANTS_TOO_MANY = "dossier.applicants.too_many" {
        vi: "một hồ sơ có nhiều nhất {max} người nộp",
        en: "a dossier names at most {max} applicants"
    }
    DOSSIER_DATE_MISMATCH = "dossier.received_on.mismatch" {
        vi: "mã hồ sơ {code} cho biết ngày tiếp nhận là {date}; ngày tiếp nhận phải là ngày đó",
        en: "the dossier code {code} says it was received on {date}; the reception date must be that day"
    }
    DOSSIER_AGENCY_MISMATCH = "dossier.receiving_agency.mismatch" {
        vi: "mã hồ sơ {code} do cơ quan thuộc {unit} cấp; cơ quan tiếp nhận phải cùng tỉnh hoặc bộ",
        en: "the dossier code {code} was given by an agency of {unit}; the receiving agency must be of the same province or ministry"
    }
    DOSSIER_CONFLICT = "dossier.conflict" {
        vi: "hồ sơ {code} đã được đăng ký với thông tin khác (bởi {by}); người nộp, thủ tục, cơ quan và ngày của một hồ sơ không thay đổi",
        en: "dossier {code} is registered already with other fields (by {by}); a dossier's applicants, procedure, agency and date do not change"
    }
    DOSSIER_LIST_HEADER = "dossier_list.header" {
        vi: "không đọc được dòng tiêu đề của danh sách: {why}",
        en: "the list's header cannot be read: {why}"
    }
    DOSSIER_LIST_COLUMN = "dossier_list.column" {
        vi: "danh sách thiếu cột {name}; dòng tiêu đề là {columns}",
        en: "the list has no column {name}; its header is {columns}"
    }
    DOSSIER_LIST_ROW = "dossier_list.row" {
        vi: "không đọc được dòng này theo CSV: {why}",
        en: "the row cannot be read as CSV: {why}"
    }
    SHARE_DOCUMENT_ID = "share.documents.id" {
        vi: "mã giấy tờ gồm 26 chữ cái và chữ số",
        en: "a document id is 26 letters and digits"
    }
    SHARE_NO_DOCUMENTS = "share.documents.none" {
        vi: "hãy chọn ít nhất một giấy tờ để chia sẻ",
        en: "share at least one document"
    }
    SHARE_TOO_MANY = "share.documents.too_many" {
        vi: "một lần chia sẻ có nhiều nhất {max} giấy tờ",
        en: "a share names at most {max} documents"
    }
    SHARE_UNTIL_MISSING = "share.until.missing" {
        vi: "hãy cho biết ngày cuối cùng được dùng",
        en: "give the last day the share may be used"
    }
    SHARE_UNTIL_PAST = "share.until.past" {
        vi: "ngày cuối cùng đã qua",
        en: "the last day is in the past"
    }
    SHARE_LINK_TOO_LONG = "share.until.too_long" {
        vi: "liên kết dùng được nhiều nhất {days} ngày: muộn nhất là ngày {latest}",
        en: "a link lasts at most {days} days: the last day is {latest} at the latest"
    }
    SHARE_AGENCY_FIELDS = "share.agency.required" {
        vi: "chia sẻ với cơ quan cần mã cơ quan và mã thủ tục",
        en: "an agency share names the agency and the procedure"
    }
    SHARE_PURPOSE_MISSING = "share.purpose.missing" {
        vi: "hãy cho biết liên kết dùng để làm gì (ví dụ: hồ sơ vay vốn ngân hàng)",
        en: "say what the link is for (e.g. hồ sơ vay vốn ngân hàng)"
    }
    SHARE_PURPOSE_TOO_LONG = "share.purpose.too_long" {
        vi: "mục đích có nhiều nhất {max} ký tự",
        en: "a purpose has at most {max} characters"
    }
    SHARE_KIND = "share.kind" {
        vi: "chia sẻ với một cơ quan (`agency`) hoặc bằng một liên kết (`link`)",
        en: "a share is for an `agency` or a `link`"
    }
    NO_SHARE = "not_found.share" {
        vi: "không có chia sẻ {id}",
        en: "no share {id}"
    }
    SHARE_GONE = "share.gone" {
        vi: "liên kết chia sẻ này {state}: hãy xin người chia sẻ một liên kết mới",
        en: "this share link is {state}: ask its owner for a new one"
    }
    SHARE_REVOKED_ALREADY = "share.revoked_already" {
        vi: "chia sẻ {id} đã bị thu hồi rồi",
        en: "share {id} is revoked already"
    }
    SHARE_STATE_ACTIVE = "share.state.active" {
        vi: "đang dùng được",
        en: "active"
    }
    SHARE_STATE_REVOKED = "share.state.revoked" {
        vi: "đã bị thu hồi",
        en: "revoked"
    }
    SHARE_STATE_EXPIRED = "share.state.expired" {
        vi: "đã hết hạn",
        en: "expired"
    }
    SHARE_STATE_USED = "share.state.used" {
        vi: "đã được dùng",
        en: "used"
    }
    // The command line's own words (`kho` binary): summaries, progress, usage errors. The
    // English is what the command printed before; the locale picks the language.
    CLI_SUMMARY = "cli.summary" {
        vi: "{stored} đã lưu, {duplicate} đã có, {rejected} bị từ chối{by_reason}; {pages} trang, {ocr_pages} trang đọc bằng OCR, {review} trang cần xem lại (OCR kém tin cậy), {rescans} bản quét lại có thể trùng; {elapsed}, {rate} trang/giây",
        en: "{stored} stored, {duplicate} duplicate, {rejected} rejected{by_reason}; {pages} page(s), {ocr_pages} by OCR, {review} to review (low OCR confidence), {rescans} probable rescan(s); {elapsed}, {rate} pages/s"
    }
    CLI_SUMMARY_STACKS = "cli.summary_stacks" {
        vi: "{stacks} tập quét được tách tại {separators} tờ phân cách, bỏ {blank} trang trắng; ",
        en: "{stacks} stack(s) split at {separators} separator sheet(s), {blank} blank page(s) dropped; "
    }
    CLI_CHECK_SUMMARY = "cli.check_summary" {
        vi: "kiểm tra: {ok} tệp sẵn sàng, {rejected} bị từ chối{by_reason}; không lưu gì",
        en: "check: {ok} file(s) ready, {rejected} rejected{by_reason}; nothing stored"
    }
    CLI_STORED_FILE = "cli.stored_file" {
        vi: "mã {id}  {pages} trang",
        en: "id {id}  {pages} page(s)"
    }
    CLI_PROBABLE_RESCAN = "cli.probable_rescan" {
        vi: "có thể là bản quét lại của {earlier} (cùng chủ sở hữu, loại giấy tờ và số hoặc ngày; đã liên kết)",
        en: "probable rescan of {earlier} (same owner, type and number or date; linked)"
    }
    CLI_REVIEW_LOW_CONFIDENCE = "cli.review_low_confidence" {
        vi: "cần xem lại: OCR kém tin cậy ở trang {pages}",
        en: "review: low OCR confidence on page(s) {pages}"
    }
    CLI_WARNING = "cli.warning" {
        vi: "cảnh báo: {why}",
        en: "warning: {why}"
    }
    CLI_MANIFEST_ROWS_REFUSED = "cli.manifest_rows_refused" {
        vi: "bảng kê {manifest}: {refused} trong {total} dòng sẽ bị từ chối mà không đọc tệp (mỗi dòng có trong báo cáo, kèm lý do)",
        en: "manifest {manifest}: {refused} of {total} row(s) will be rejected without reading their file (each is in the report, with its reason)"
    }
    CLI_PROGRESS = "cli.progress" {
        vi: "{done}/{total} tệp, {pages} trang, {rate} trang/giây, {rejected} bị từ chối{eta}",
        en: "{done}/{total} files, {pages} pages, {rate} pages/s, {rejected} rejected{eta}"
    }
    CLI_PROGRESS_ETA = "cli.progress_eta" {
        vi: ", còn khoảng {left}",
        en: ", ETA {left}"
    }
    CLI_USAGE_ERROR = "cli.usage_error" {
        vi: "kho: lỗi cách dùng: {why}",
        en: "kho: usage error: {why}"
    }
    CLI_ERROR = "cli.error" {
        vi: "kho: lỗi: {why}",
        en: "kho: error: {why}"
    }
    CLI_USAGE_INGEST_NEEDS_OWNER_AND_TYPE = "cli.usage.ingest_needs_owner_and_type" {
        vi: "kho ingest PATH... cần --owner ID và --doc-type KEY (hoặc dùng --manifest FILE.csv)",
        en: "kho ingest PATH... needs --owner ID and --doc-type KEY (or use --manifest FILE.csv)"
    }
    CLI_USAGE_METADATA_WITH_MANIFEST = "cli.usage.metadata_with_manifest" {
        vi: "các cờ siêu dữ liệu dành cho đối số PATH; với --manifest, siêu dữ liệu lấy từ các cột của bảng kê",
        en: "metadata flags apply to PATH arguments; with --manifest the metadata comes from its columns"
    }
    CLI_USAGE_REPORT_EXTENSION = "cli.usage.report_extension" {
        vi: "--report {path}: hãy đặt tên tệp đuôi .csv, .json hoặc .jsonl",
        en: "--report {path}: name a .csv, .json or .jsonl file"
    }
    CLI_USAGE_REEXTRACT_NEEDS_IDS = "cli.usage.reextract_needs_ids" {
        vi: "kho reextract cần mã tài liệu, hoặc --all",
        en: "kho reextract needs document ids, or --all"
    }
    CLI_USAGE_PLACES_SHOW_NEEDS_NAME = "cli.usage.places_show_needs_name" {
        vi: "kho places show NAME: hãy cho một tên",
        en: "kho places show NAME: give a name"
    }
    CLI_ACTIVITY_EXPORT = "cli.activity.export" { vi: "xuất", en: "export" }
    CLI_ACTIVITY_IMPORT = "cli.activity.import" { vi: "nhập", en: "import" }
    CLI_ACTIVITY_INDEXING = "cli.activity.indexing" { vi: "đánh chỉ mục", en: "indexing" }
    CLI_ACTIVITY_READING_PLACES = "cli.activity.reading_places" {
        vi: "đọc địa danh",
        en: "reading places"
    }
    CLI_ACTIVITY_REINDEX = "cli.activity.reindex" { vi: "đánh lại chỉ mục", en: "reindex" }
    CLI_ACTIVITY_RECHECKING_SIGNATURES = "cli.activity.rechecking_signatures" {
        vi: "kiểm tra lại chữ ký",
        en: "checking signatures again"
    }
    CLI_PROGRESS_COUNT = "cli.progress_count" {
        vi: "kho: {what}: {done}/{total}",
        en: "kho: {what}: {done}/{total}"
    }
    CLI_REINDEX_RESUMING = "cli.reindex_resuming" {
        vi: "kho: đánh lại chỉ mục: tiếp tục lần dựng lại chỉ mục bị gián đoạn",
        en: "kho: reindex: resuming the interrupted rebuild"
    }
    CLI_MERGING_SEGMENTS = "cli.merging_segments" {
        vi: "kho: {what}: đang gộp các phân đoạn của chỉ mục",
        en: "kho: {what}: merging the index's segments"
    }
    CLI_REINDEXED = "cli.reindexed" {
        vi: "{n} tài liệu đã được đánh chỉ mục trong {seconds} giây",
        en: "{n} document(s) indexed in {seconds}s"
    }
    CLI_REEXTRACT_FAILED = "cli.reextract_failed" {
        vi: "[{i}/{total}] THẤT BẠI blob {sha256}: {why}",
        en: "[{i}/{total}] FAILED blob {sha256}: {why}"
    }
    CLI_SIGNATURES_CHANGED = "cli.signatures_changed" {
        vi: "kho: {n} tài liệu đã đổi trạng thái chữ ký",
        en: "kho: {n} document(s) changed signature status"
    }
    CLI_SIGNATURES_UNREADABLE = "cli.signatures_unreadable" {
        vi: "kho: không đọc được blob {sha256} để kiểm tra chữ ký: {why}",
        en: "kho: blob {sha256} could not be read to check its signatures: {why}"
    }
    CLI_VOCABULARY_IMPORTED = "cli.vocabulary_imported" {
        vi: "từ vựng: {rows} dòng từ {file} đã có hiệu lực ({path})",
        en: "vocabulary: {rows} row(s) from {file} now in force ({path})"
    }
    CLI_EXPORTED = "cli.exported" {
        vi: "đã xuất {records} giấy tờ, {blobs} bản gốc, {texts} văn bản trang, {events} sự kiện nhật ký, {dossiers} hồ sơ TTHC, {shares} lượt chia sẻ, {stacks} xấp bản quét ({bytes} byte) vào {path}",
        en: "exported {records} record(s), {blobs} original(s), {texts} page text(s), {events} ledger event(s), {dossiers} dossier(s), {shares} share(s), {stacks} scanned stack(s) ({bytes} bytes) to {path}"
    }
    CLI_IMPORTED = "cli.imported" {
        vi: "đã nhập {records} giấy tờ, {blobs} bản gốc, {texts} văn bản trang, {events} sự kiện nhật ký, {dossiers} hồ sơ TTHC, {shares} lượt chia sẻ, {stacks} xấp bản quét vào {path}; mọi mã băm đã được kiểm tra",
        en: "imported {records} record(s), {blobs} original(s), {texts} page text(s), {events} ledger event(s), {dossiers} dossier(s), {shares} share(s), {stacks} scanned stack(s) into {path}; every hash checked"
    }
    CLI_DOSSIER_REGISTERED = "cli.dossier_registered" {
        vi: "{file}:{line}: đã đăng ký {code}",
        en: "{file}:{line}: registered {code}"
    }
    CLI_DOSSIER_REGISTERED_ALREADY = "cli.dossier_registered_already" {
        vi: "{file}:{line}: {code} đã được đăng ký từ trước",
        en: "{file}:{line}: {code} registered already"
    }
    CLI_DOSSIER_REJECTED = "cli.dossier_rejected" {
        vi: "{file}:{line}: bị từ chối: {why}",
        en: "{file}:{line}: rejected: {why}"
    }
    CLI_DOSSIER_SUMMARY = "cli.dossier_summary" {
        vi: "kho: {new} hồ sơ đã đăng ký, {again} hồ sơ đã đăng ký từ trước, {bad} bị từ chối",
        en: "kho: {new} dossiers registered, {again} already registered, {bad} rejected"
    }
    CLI_USAGE_REBUILD_NEEDS_BUCKET = "cli.usage.rebuild_needs_bucket" {
        vi: "kho lưu tại {data} giữ bản gốc trong thư mục riêng của nó; rebuild đọc từ một bucket: hãy cho --blobs s3://BUCKET[/PREFIX]",
        en: "the store at {data} keeps its originals in its own folder; rebuild reads a bucket: give --blobs s3://BUCKET[/PREFIX]"
    }
    CLI_USAGE_REBUILD_STORE_NOT_EMPTY = "cli.usage.rebuild_store_not_empty" {
        vi: "kho lưu tại {data} đã có {held} bản ghi; rebuild dựng kho lưu của một nút mới (hãy cho --data rỗng), còn --since lấy những gì các nút khác đã thêm",
        en: "the store at {data} already holds {held} record(s); rebuild builds a new node's store (give an empty --data), and --since picks up what other nodes added"
    }
    CLI_USAGE_GAZETTEER_TOO_LARGE = "cli.usage.gazetteer_too_large" {
        vi: "{file}: {size} byte; tệp danh mục địa danh tối đa {max} byte",
        en: "{file}: {size} bytes; a gazetteer file is at most {max} bytes"
    }
    CLI_USAGE_DOSSIER_LIST_TOO_LARGE = "cli.usage.dossier_list_too_large" {
        vi: "{file}: {size} byte; danh sách hồ sơ tối đa {max} byte: hãy chia nhỏ",
        en: "{file}: {size} bytes; a list of dossiers has at most {max} bytes: split it"
    }
    CLI_USAGE_COLUMN_DEFAULT_PAIR = "cli.usage.column_default_pair" {
        vi: "--manifest-column-defaults {pair}: hãy viết COLUMN=VALUE (cột=giá trị)",
        en: "--manifest-column-defaults {pair}: write COLUMN=VALUE"
    }
    CLI_USAGE_COLUMN_DEFAULT_UNKNOWN = "cli.usage.column_default_unknown" {
        vi: "--manifest-column-defaults: {column} không phải cột siêu dữ liệu (các cột có: {known})",
        en: "--manifest-column-defaults: {column} is not a metadata column (known: {known})"
    }
    // Hardening (review F11-F13): what a file must be to be stored as a paper, and what is wrong
    // with a damaged one, in words (never a library's debug text).
    INGEST_TOO_SMALL = "ingest.too_small" {
        vi: "trang {page} của tệp {format} có {width}x{height} điểm ảnh: không phải ảnh quét một giấy tờ (kho nhận ảnh có ít nhất {min_side} điểm ảnh mỗi cạnh)",
        en: "page {page} of the {format} has {width}x{height} pixels: not the scan of a paper (kho takes images of at least {min_side} pixels a side)"
    }
    DAMAGE_CHECKSUM = "ingest.damage.checksum" {
        vi: "một khối dữ liệu có mã kiểm tra sai (tệp đã bị sửa hoặc hỏng khi chép); hãy lấy lại bản gốc",
        en: "a block of data fails its checksum (the file was altered or damaged in copying); get the original again"
    }
    DAMAGE_TRUNCATED = "ingest.damage.truncated" {
        vi: "tệp bị cắt cụt, thiếu phần cuối (chép hoặc tải xuống chưa xong?); hãy chép lại",
        en: "the file is cut short (an unfinished copy or download?); copy it again"
    }
    DAMAGE_STRUCTURE = "ingest.damage.structure" {
        vi: "cấu trúc tệp không đúng định dạng; hãy mở thử tệp, quét hoặc xuất lại",
        en: "the file's structure does not follow its format; try opening it, scan or export it again"
    }
    DAMAGE_EXCESS_IMAGE_DATA = "ingest.damage.excess_image_data" {
        vi: "dữ liệu ảnh giải nén ra dài hơn kích thước ảnh khai báo (tệp được tạo để làm quá tải máy)",
        en: "the image data inflates past the image's declared size (a file made to overload the machine)"
    }
    DAMAGE_UNSUPPORTED = "ingest.damage.unsupported" {
        vi: "tệp dùng một kiểu mã hóa mà kho không đọc được; hãy xuất lại sang PDF, PNG hoặc JPEG thông thường",
        en: "the file uses an encoding kho cannot read; export it again as an ordinary PDF, PNG or JPEG"
    }
    DAMAGE_STREAM_OVER_LIMIT = "ingest.damage.stream_over_limit" {
        vi: "một luồng dữ liệu nén giải nén ra vượt giới hạn của kho",
        en: "a compressed stream inflates past kho's limits"
    }
    DAMAGE_READER_FAILED = "ingest.damage.reader_failed" {
        vi: "trình đọc dừng lại vì cấu trúc tệp sai",
        en: "the reader stopped on the file's malformed structure"
    }
    DAMAGE_NOTHING_VIEWABLE = "ingest.damage.nothing_viewable" {
        vi: "không trang nào hiển thị được thành ảnh hay đọc được chữ, nên không ai xem được giấy tờ này; hãy quét hoặc xuất lại",
        en: "no page can be shown as an image or read for text, so nobody could view this paper; scan or export it again"
    }
    // Search syntax (review F4, F21): kho's own parser, so the words are the table's.
    SEARCH_TOO_LONG = "search.too_long" {
        vi: "câu tìm kiếm dài hơn {max} ký tự; hãy rút gọn",
        en: "the query is longer than {max} characters; shorten it"
    }
    SEARCH_TOO_MANY_CLAUSES = "search.too_many_clauses" {
        vi: "câu tìm kiếm có hơn {max} từ và cụm từ; hãy bớt đi",
        en: "the query has more than {max} words and phrases; use fewer"
    }
    SEARCH_UNCLOSED_QUOTE = "search.unclosed_quote" {
        vi: "thiếu dấu ngoặc kép đóng: hãy viết \"...\" quanh một cụm từ",
        en: "a quotation mark is not closed: write \"...\" around a phrase"
    }
    SEARCH_SHORT_PREFIX = "search.short_prefix" {
        vi: "cần ít nhất 2 chữ trước dấu *: {word}",
        en: "a prefix needs at least 2 letters before the *: {word}"
    }
    SEARCH_ONLY_EXCLUSIONS = "search.only_exclusions" {
        vi: "câu tìm kiếm chỉ có từ loại trừ (-từ); hãy thêm một từ cần tìm",
        en: "the query only excludes words (-word); add a word to search for"
    }
    LOGIN_THROTTLED = "request.too_many.login" {
        vi: "đã nhập sai mật khẩu quá nhiều lần cho {username} từ địa chỉ này; hãy thử lại sau {seconds} giây (sau {checks} lần kiểm tra mật khẩu của một tên trong {minutes} phút, các địa chỉ đã nhập sai phải chờ)",
        en: "too many failed sign-ins for {username} from this address; try again in {seconds} s (after {checks} password checks of a name in {minutes} minutes, addresses that failed on it wait)"
    }
    OIDC_THROTTLED = "request.too_many.oidc" {
        vi: "đang có quá nhiều lượt đăng nhập bằng tài khoản định danh điện tử chưa xong; hãy thử lại sau một phút",
        en: "too many sign-ins with the electronic identity are under way; try again in a minute"
    }
    VERIFY_THROTTLED = "request.too_many.verify" {
        vi: "quá nhiều lần kiểm tra từ địa chỉ này; hãy thử lại sau một phút",
        en: "too many checks from this address; try again in a minute"
    }
    OCR_FAILED = "ingest.ocr_failed" {
        vi: "máy đọc chữ (OCR) không đọc được ảnh trang (ảnh hỏng hoặc bị cắt cụt)",
        en: "the OCR engine could not read the page image (a damaged or cut-short image)"
    }
    // The province's indicators (#21; docs/indicators.md).
    ROLE_LEADER = "role.leader" { vi: "lãnh đạo", en: "leader" }
    ACT_SEE_INDICATORS = "act.see_indicators" {
        vi: "xem các chỉ số số hóa và tái sử dụng",
        en: "see the digitization and reuse indicators"
    }
    USER_LEADER_AGENCY = "user.leader_agency" {
        vi: "mã cơ quan của lãnh đạo không hợp lệ: {why}",
        en: "the leader's agency code is not valid: {why}"
    }
    REFUSAL_INDICATORS_OTHER_AGENCY = "refusal.indicators.other_agency" {
        vi: "tài khoản này xem chỉ số của cơ quan {own} và các cơ quan trực thuộc, không xem được {asked}",
        en: "this account sees the indicators of agency {own} and the agencies under it, not of {asked}"
    }
    INDICATORS_NAME_41 = "indicators.name.4_1" {
        vi: "Tỷ lệ hồ sơ TTHC có cấp kết quả giải quyết TTHC điện tử",
        en: "Share of dossiers issued an electronic result"
    }
    INDICATORS_NAME_42 = "indicators.name.4_2" {
        vi: "Tỷ lệ hồ sơ TTHC thực hiện số hóa hồ sơ",
        en: "Share of dossiers digitized (a digitized component and an electronic result)"
    }
    INDICATORS_NAME_43 = "indicators.name.4_3" {
        vi: "Tỷ lệ khai thác, sử dụng lại thông tin, dữ liệu số hóa",
        en: "Share of dossiers reusing digitized data"
    }
    INDICATORS_NAME_44 = "indicators.name.4_4" {
        vi: "Hồ sơ số hóa có kết nối, chia sẻ phục vụ tái sử dụng",
        en: "Dossiers whose digitized papers were connected and shared for reuse"
    }
    INDICATORS_MISSING_NOT_REGISTERED = "indicators.missing.not_registered" {
        vi: "hồ sơ tiếp nhận: chưa được đăng ký với kho (POST /api/v1/dossiers, kho dossier import)",
        en: "dossiers received: not registered (POST /api/v1/dossiers, kho dossier import)"
    }
    INDICATORS_MISSING_PAPER_RESULTS = "indicators.missing.paper_results" {
        vi: "mẫu số (hồ sơ của thủ tục có kết quả bản giấy): kho không biết thủ tục nào cấp kết quả bản giấy",
        en: "denominator (dossiers of procedures whose result is a paper): kho does not know which procedures issue paper results"
    }
    INDICATORS_TEXT_LAYER = "indicators.text_layer" { vi: "lớp chữ PDF", en: "text layer" }
    INDICATORS_OCR = "indicators.ocr" { vi: "nhận dạng chữ (OCR)", en: "OCR" }
    INDICATORS_REVIEW = "indicators.review" { vi: "cần xem lại", en: "to review" }
    INDICATORS_PROVINCE = "indicators.province" { vi: "Toàn tỉnh", en: "province" }
    INDICATORS_NO_AGENCY = "indicators.no_agency" { vi: "(không rõ cơ quan)", en: "(agency unknown)" }
    INDICATORS_GROUP_BY = "indicators.group_by" {
        vi: "cách nhóm {got} không có; dùng agency (theo cơ quan) hoặc month (theo tháng)",
        en: "no grouping {got}; use agency or month"
    }
    INDICATORS_PERIOD = "indicators.period" {
        vi: "ngày kết thúc phải không trước ngày bắt đầu, và kỳ báo cáo dài nhất {max} ngày",
        en: "the end date must not be before the start date, and a period is at most {max} days"
    }
    INDICATORS_FORMAT = "indicators.format" {
        vi: "định dạng {got} không có; dùng json hoặc csv",
        en: "no format {got}; use json or csv"
    }
    INDICATORS_NOT_BUILT = "indicators.not_built" {
        vi: "bộ đếm chỉ số của kho này chưa được dựng từ sổ ghi: chạy kho report rebuild (kho dừng phục vụ trong lúc dựng)",
        en: "this store's indicator counters have not been built from the ledger: run kho report rebuild (with the store not served)"
    }
    CLI_REPORT_REBUILT = "cli.report.rebuilt" {
        vi: "đã dựng lại bộ đếm chỉ số từ {events} sự kiện sổ ghi: {counters} bộ đếm, {dossiers} hồ sơ",
        en: "indicator counters rebuilt from {events} ledger events: {counters} counters, {dossiers} dossiers"
    }
    // `kho report indicators` as text (the JSON and CSV keep their field names).
    CLI_REPORT_ROW = "cli.report.row" {
        vi: "{agency}  {from} .. {to}  hồ sơ tiếp nhận {received}  giấy tờ số hóa {digitized}  lượt tái sử dụng {reuses}  số ngày từ lưu đến tái sử dụng (trung vị) {median}",
        en: "{agency}  {from} .. {to}  received {received}  digitized {digitized}  reuses {reuses}  median days to reuse {median}"
    }
    CLI_REPORT_DIGITIZED = "cli.report.digitized" {
        vi: "số hóa {agency} {month} {doc_type} {source}: {count}",
        en: "digitized {agency} {month} {doc_type} {source}: {count}"
    }
    CLI_REPORT_REUSED_FOR = "cli.report.reused_for" {
        vi: "tái sử dụng cho thủ tục {procedure}: {count}",
        en: "reused for procedure {procedure}: {count}"
    }
    CLI_REPORT_REUSED_TYPE = "cli.report.reused_type" {
        vi: "loại giấy tờ được tái sử dụng {doc_type}: {count}",
        en: "reused paper type {doc_type}: {count}"
    }
    CLI_REPORT_FORMAT = "cli.report.format" {
        vi: "chỉ chọn một trong --json và --csv",
        en: "choose one of --json and --csv"
    }
    CLI_ACTIVITY_REBUILD_COUNTERS = "cli.activity.rebuild_counters" { vi: "dựng bộ đếm", en: "counters" }
    // The event feed, webhooks and the citizen's notifications (#21, #20; schemas::feed).
    FEED_TYPE_UNKNOWN = "feed.type_unknown" {
        vi: "loại sự kiện {got} không có (các loại: {known})",
        en: "unknown event type {got} (known: {known})"
    }
    FEED_AFTER_SHAPE = "feed.after_shape" {
        vi: "after phải là số thứ tự của một sự kiện trong sổ (0 trở lên), không phải {got}",
        en: "after must be a ledger sequence number (0 or more), not {got}"
    }
    FEED_LIMIT_SHAPE = "feed.limit_shape" {
        vi: "limit phải là số từ 1 đến {max}, không phải {got}",
        en: "limit must be a number from 1 to {max}, not {got}"
    }
    EMAIL_SHAPE = "email.shape" {
        vi: "{got} không phải địa chỉ thư điện tử (dạng ten@mien.vn, chỉ chữ không dấu, số và . _ + -)",
        en: "{got} is not an e-mail address (name@domain.vn, ASCII letters, digits and . _ + - only)"
    }
    EMAIL_LENGTH = "email.length" {
        vi: "địa chỉ thư điện tử phải có từ 1 đến {max} ký tự",
        en: "an e-mail address has 1 to {max} characters"
    }
    WEBHOOK_NAME_SHAPE = "webhook.name_shape" {
        vi: "tên nơi nhận webhook có từ 1 đến {max} ký tự: chữ không dấu, số, - _ .",
        en: "a webhook receiver's name has 1 to {max} characters: ASCII letters, digits, - _ ."
    }
    WEBHOOK_URL_SHAPE = "webhook.url_shape" {
        vi: "địa chỉ nơi nhận webhook phải bắt đầu bằng http:// hoặc https://, có tên máy, không có khoảng trắng",
        en: "a webhook receiver's address starts with http:// or https:// and names a host, without spaces"
    }
    CONFLICT_WEBHOOK_EXISTS = "conflict.webhook_exists" {
        vi: "đã có nơi nhận webhook tên {name}; xoá nó trước nếu muốn thay",
        en: "a webhook receiver named {name} exists already; remove it first to replace it"
    }
    NO_WEBHOOK = "not_found.webhook" {
        vi: "không có nơi nhận webhook {name}",
        en: "no webhook receiver {name}"
    }
    ACT_READ_EVENTS = "act.read_events" {
        vi: "đọc luồng sự kiện",
        en: "read the event feed"
    }
    ACT_MANAGE_WEBHOOKS = "act.manage_webhooks" {
        vi: "quản lý nơi nhận webhook",
        en: "manage webhook receivers"
    }
    ACT_SET_NOTIFICATIONS = "act.set_notifications" {
        vi: "đặt địa chỉ nhận thông báo",
        en: "set a notification address"
    }
    NOTIFY_RELAY_OFF = "notify.relay_off" {
        vi: "Tỉnh chưa bật gửi thông báo qua thư điện tử; địa chỉ vẫn được lưu và sẽ dùng khi được bật.",
        en: "The province has not turned e-mail notifications on; the address is kept and used once it does."
    }
    NOTIFY_PAGE_TITLE = "notify.page_title" {
        vi: "Nhận thông báo",
        en: "Notifications"
    }
    NOTIFY_PAGE_INTRO = "notify.page_intro" {
        vi: "Nhận thư điện tử mỗi khi có hoạt động mới với giấy tờ của bạn (cùng nội dung trang Hoạt động).",
        en: "Get an e-mail whenever something new happens to your papers (the same sentences as the Activity page)."
    }
    NOTIFY_ADDRESS_LABEL = "notify.address_label" {
        vi: "Địa chỉ thư điện tử",
        en: "E-mail address"
    }
    NOTIFY_SAVE = "notify.save" { vi: "Lưu", en: "Save" }
    NOTIFY_STOP = "notify.stop" { vi: "Ngừng nhận thông báo", en: "Stop notifications" }
    NOTIFY_CURRENT = "notify.current" {
        vi: "Thông báo đang gửi tới {address}.",
        en: "Notifications go to {address}."
    }
    NOTIFY_NONE = "notify.none" {
        vi: "Bạn chưa đặt địa chỉ nhận thông báo.",
        en: "You have no notification address."
    }
    NOTIFY_SAVED = "notify.saved" {
        vi: "Đã lưu. Từ nay thông báo gửi tới {address}.",
        en: "Saved. Notifications now go to {address}."
    }
    NOTIFY_STOPPED = "notify.stopped" {
        vi: "Đã ngừng gửi thông báo.",
        en: "Notifications stopped."
    }
    NOTIFY_MAIL_SUBJECT = "notify.mail_subject" {
        vi: "[kho] Hoạt động mới với giấy tờ của bạn",
        en: "[kho] New activity on your papers"
    }
    NOTIFY_MAIL_FOOTER = "notify.mail_footer" {
        vi: "Xem chi tiết tại trang Hoạt động của bạn trong kho. Để ngừng nhận thư này, vào trang Nhận thông báo.",
        en: "See the details on your Activity page in kho. To stop these e-mails, open the Notifications page."
    }
    CLI_WEBHOOK_ADDED = "cli.webhook_added" {
        vi: "kho: nơi nhận webhook {name} đã thêm: {url}, loại {types}, từ sau sự kiện {after}; khoá bí mật in ở đầu ra chuẩn (chỉ lần này)",
        en: "kho: webhook receiver {name} added: {url}, types {types}, after event {after}; its secret is on standard output (shown once)"
    }
    CLI_WEBHOOK_LINE = "cli.webhook_line" {
        vi: "{name}\t{url}\tloại {types}\tđã gửi đến sự kiện {after}\t{attempts} lần thử hỏng\tlỗi cuối: {error}",
        en: "{name}\t{url}\ttypes {types}\tdelivered through event {after}\t{attempts} failed attempt(s)\tlast error: {error}"
    }
    CLI_WEBHOOK_REMOVED = "cli.webhook_removed" {
        vi: "kho: đã xoá nơi nhận webhook {name}",
        en: "kho: webhook receiver {name} removed"
    }
    CLI_USAGE_COMPACT_NO_STORE = "cli.usage.compact_no_store" {
        vi: "{data} không phải là một kho lưu (không có kho-store.json): không có gì để thu gọn; hãy kiểm tra --data",
        en: "{data} is not a store (it has no kho-store.json): there is nothing to compact; check --data"
    }
    CLI_COMPACT_COPYING = "cli.compact_copying" {
        vi: "kho: thu gọn: bảng {tree}, đã chép {entries} mục",
        en: "kho: compact: tree {tree}, {entries} entries copied"
    }
    CLI_COMPACT_CHECKING = "cli.compact_checking" {
        vi: "kho: thu gọn: đọc lại bảng {tree} ({entries} mục) để đối chiếu",
        en: "kho: compact: reading tree {tree} back ({entries} entries) to check it"
    }
    CLI_COMPACT_DONE = "cli.compact_done" {
        vi: "kho: đã thu gọn danh mục {path}: {before} MB -> {after} MB ({compression}), {entries} mục trong {trees} bảng, đọc lại khớp từng mục, trong {seconds} giây",
        en: "kho: catalogue {path} compacted: {before} MB -> {after} MB ({compression}), {entries} entries in {trees} trees, read back identical, in {seconds} s"
    }
    WORDS_ZSTD_LEVEL = "words.zstd_level" { vi: "nén zstd mức {level}", en: "zstd level {level}" }
    WORDS_UNCOMPRESSED = "words.uncompressed" { vi: "không nén", en: "not compressed" }
    ACTION_EVENTS_SENT = "action.events_sent" {
        vi: "Hệ thống một cửa được báo sự kiện",
        en: "Events sent to the one-stop system"
    }
    // Review F16, F20: the request's own mistakes, said in the table (ARCHITECTURE.md,
    // "Decisions").
    WORDS_DATE = "words.date" { vi: "{day}/{month}/{year}", en: "{year}-{month}-{day}" }
    SEARCH_DATE_TOO_EARLY = "search.date_too_early" {
        vi: "ngày từ năm {min} trở đi",
        en: "a date from the year {min} on"
    }
    SEARCH_FROM_AFTER_TO = "search.from_after_to" {
        vi: "ngày bắt đầu sau ngày kết thúc {to}: không giấy tờ nào khớp được",
        en: "the first day is after the last day {to}: no document can match"
    }
    SHARE_AGENCY_TOO_LONG = "share.until.agency_too_long" {
        vi: "chia sẻ cho cơ quan kéo dài nhiều nhất {days} ngày: muộn nhất là ngày {latest}",
        en: "an agency share lasts at most {days} days: the last day is {latest} at the latest"
    }
    METHOD_NOT_ALLOWED = "request.method" {
        vi: "địa chỉ {path} không nhận phương thức {method}",
        en: "{path} does not take {method}"
    }
    BODY_TOO_LARGE = "too_large.request" {
        vi: "nội dung yêu cầu lớn hơn {max} byte mà địa chỉ này nhận",
        en: "the request body is larger than the {max} bytes this route takes"
    }
    RANGE_OUTSIDE = "request.range" {
        vi: "khoảng byte được hỏi nằm ngoài tệp ({size} byte)",
        en: "the range asked for is outside the file ({size} bytes)"
    }
    NO_PAGE = "not_found.page" {
        vi: "không có trang {path}",
        en: "no such page {path}"
    }
    FORM_UNREADABLE_PAGE = "request.form_page" {
        vi: "trang gửi lên một biểu mẫu thiếu ô hoặc có giá trị không đọc được; hãy tải lại trang rồi gửi lại",
        en: "the page sent a form with a missing or unreadable field; reload the page and send it again"
    }
    PATH_VALUE_UNREADABLE = "request.path_value" {
        vi: "địa chỉ có giá trị không đọc được: {why}",
        en: "a value in the address cannot be read: {why}"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words written the same in both languages: codes, examples, names of values. A text may
    /// be the same in both only if it consists of these and placeholders.
    const NEUTRAL: &[&str] = &[
        "{why}",
        "{errors}",
        "{field} {value}: {rule}",
        "dòng {line}: {why}",
        "kho: {what}: {done}/{total}",
        "{day}/{month}/{year}",
    ];

    fn has_vietnamese_letters(text: &str) -> bool {
        // Letters Vietnamese has and English does not: đ and vowels with a tone or a hat.
        text.chars().any(|c| {
            let c = c.to_lowercase().next().unwrap_or(c);
            c == 'đ' || (!c.is_ascii() && c.is_alphabetic())
        })
    }

    /// The whole table: every code has non-empty texts in both languages, the Vietnamese text is
    /// Vietnamese (not the English left in), both use the same placeholders, and codes are
    /// unique and stable-looking (lower-case words joined by dots and underscores).
    #[test]
    fn every_entry_has_a_vietnamese_and_an_english_text() {
        let mut codes = std::collections::BTreeSet::new();
        for entry in ALL {
            assert!(codes.insert(entry.code), "{} twice", entry.code);
            assert!(
                entry.code.bytes().all(|b| b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || b == b'.'
                    || b == b'_'),
                "{}",
                entry.code
            );
            assert!(!entry.vi.trim().is_empty(), "{}: no Vietnamese", entry.code);
            assert!(!entry.en.trim().is_empty(), "{}: no English", entry.code);
            let mut vi_names = placeholders(entry.vi);
            let mut en_names = placeholders(entry.en);
            vi_names.sort();
            en_names.sort();
            // The Vietnamese may say more than an English pass-through of a nested reason.
            for name in &en_names {
                assert!(
                    vi_names.contains(name),
                    "{}: vi lacks {{{name}}}",
                    entry.code
                );
            }
            if NEUTRAL.contains(&entry.vi) {
                continue;
            }
            assert_ne!(entry.vi, entry.en, "{}: the same in both", entry.code);
            assert!(
                has_vietnamese_letters(entry.vi),
                "{}: {:?} has no Vietnamese letter",
                entry.code,
                entry.vi
            );
        }
    }

    #[test]
    fn parameters_and_nested_messages_render_in_the_language_asked() {
        let m = Message::new(&PERSONAL_ID_LENGTH).with("got", 11);
        assert_eq!(m.code(), "personal_id.length");
        assert_eq!(m.render(Lang::En), "a personal ID has 12 digits, got 11");
        assert_eq!(
            m.render(Lang::Vi),
            "số định danh cá nhân có 12 chữ số, nhận được 11"
        );
        let refusal = Message::new(&REFUSAL_ROLE)
            .with_message("role", &ROLE_CLERK)
            .with_message("act", &ACT_UPLOAD);
        assert_eq!(refusal.render(Lang::En), "a clerk cannot upload documents");
        assert_eq!(
            refusal.render(Lang::Vi),
            "vai trò cán bộ một cửa không được tải giấy tờ lên"
        );
        let missing = Message::new(&PERSONAL_ID_LENGTH);
        assert_eq!(
            missing.render(Lang::En),
            "a personal ID has 12 digits, got {got}"
        );
        assert_eq!(entry("personal_id.length"), Some(&PERSONAL_ID_LENGTH));
    }

    /// A stored message (a batch's report) comes back the same and renders in either language;
    /// an unknown code is refused rather than shown as nothing.
    #[test]
    fn a_stored_message_keeps_its_code_and_parameters() {
        let message = Message::new(&INGEST_AT_LINE).with("line", 4).with_message(
            "reason",
            Message::new(&INGEST_TOO_LARGE)
                .with("size", 9)
                .with("max", 8),
        );
        let stored = serde_json::to_string(&message).unwrap();
        assert!(!stored.contains("byte"), "{stored}");
        let back: Message = serde_json::from_str(&stored).unwrap();
        assert_eq!(back.code(), message.code());
        assert_eq!(back.render(Lang::En), message.render(Lang::En));
        assert_eq!(
            back.render(Lang::Vi),
            "dòng 4: tệp có 9 byte; kho nhận tối đa 8 byte mỗi tệp"
        );
        assert!(serde_json::from_str::<Message>(r#"{"code":"no.such","params":{}}"#).is_err());
    }

    #[test]
    fn accept_language_picks_the_preferred_of_the_two() {
        assert_eq!(Lang::from_accept_language("en"), Lang::En);
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("vi-VN,vi;q=0.9,en;q=0.8"),
            Lang::Vi
        );
        assert_eq!(
            Lang::from_accept_language("fr, en;q=0.5, vi;q=0.7"),
            Lang::Vi
        );
        assert_eq!(Lang::from_accept_language("fr"), Lang::Vi);
        assert_eq!(Lang::from_accept_language(""), Lang::Vi);
        assert_eq!(Lang::from_accept_language("*"), Lang::Vi);
        assert_eq!(Lang::from_accept_language("en;q=0"), Lang::Vi);
    }

    #[test]
    fn the_locale_decides_the_command_lines_language() {
        assert_eq!(
            Lang::from_locale([None, None, Some("vi_VN.UTF-8")]),
            Lang::Vi
        );
        assert_eq!(Lang::from_locale([None, None, Some("C")]), Lang::En);
        assert_eq!(Lang::from_locale([None, None, None]), Lang::En);
        assert_eq!(
            Lang::from_locale([Some("C"), None, Some("vi_VN.UTF-8")]),
            Lang::En
        );
        assert_eq!(
            Lang::from_locale([Some(""), Some("vi_VN"), Some("C")]),
            Lang::Vi
        );
    }
}
