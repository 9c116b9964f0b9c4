//! A small SMTP client (RFC 5321) for the citizens' notifications: one message per connection
//! to the province's relay, plain SMTP on a trusted network (the relay does TLS and
//! authentication to the outside world). About 150 lines instead of `lettre` (docs/api.md,
//! "Notifications": the build cost compared).
//!
//! The message is UTF-8 text in base64, its subject an RFC 2047 encoded word, so that the
//! Vietnamese sentences pass any relay, 8-bit clean or not. Addresses reach it validated by
//! `schemas::EmailAddress` (ASCII, no brackets, no line breaks): nothing typed by a citizen
//! can add a command or a header.

use base64::Engine;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Where the relay is, and who mails come from (`kho serve --smtp-url`, `--smtp-from`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub from: schemas::EmailAddress,
}

impl SmtpConfig {
    /// `smtp://host[:port]` (port 25 by default).
    pub fn parse(url: &str, from: &str) -> Result<SmtpConfig, String> {
        let rest = url.trim().strip_prefix("smtp://").ok_or_else(|| {
            format!(
                "--smtp-url {url}: write smtp://HOST[:PORT] (plain SMTP to the province's relay)"
            )
        })?;
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || host.starts_with('[') => (
                host,
                port.parse::<u16>()
                    .map_err(|_| format!("--smtp-url {url}: {port} is not a port number"))?,
            ),
            _ => (rest, 25),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() || host.contains(['/', '@', ' ']) {
            return Err(format!("--smtp-url {url}: no host"));
        }
        let from =
            schemas::EmailAddress::parse(from).map_err(|e| format!("--smtp-from {from}: {e}"))?;
        Ok(SmtpConfig {
            host: host.to_string(),
            port,
            from,
        })
    }
}

/// One message to send.
pub(crate) struct Mail<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// Unique per message (a resent message keeps it: mail clients fold duplicates).
    pub message_id: &'a str,
}

/// Sends `mail` through the relay; `Err` says which step failed and what the relay answered.
pub(crate) fn send(config: &SmtpConfig, mail: &Mail<'_>, timeout: Duration) -> Result<(), String> {
    let stream = TcpStream::connect((config.host.as_str(), config.port))
        .map_err(|e| format!("connect to {}:{}: {e}", config.host, config.port))?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream.try_clone().map_err(|e| e.to_string())?);
    let mut writer = stream;
    expect(&mut reader, 220, "greeting")?;
    command(&mut writer, &mut reader, "EHLO kho", 250)?;
    command(
        &mut writer,
        &mut reader,
        &format!("MAIL FROM:<{}>", config.from),
        250,
    )?;
    command(
        &mut writer,
        &mut reader,
        &format!("RCPT TO:<{}>", mail.to),
        250,
    )?;
    command(&mut writer, &mut reader, "DATA", 354)?;
    let message = message(config, mail);
    writer
        .write_all(message.as_bytes())
        .and_then(|_| writer.write_all(b"\r\n.\r\n"))
        .and_then(|_| writer.flush())
        .map_err(|e| format!("DATA: {e}"))?;
    expect(&mut reader, 250, "end of DATA")?;
    // The message is accepted; a failed QUIT changes nothing.
    let _ = command(&mut writer, &mut reader, "QUIT", 221);
    Ok(())
}

fn command(
    writer: &mut TcpStream,
    reader: &mut BufReader<TcpStream>,
    line: &str,
    code: u16,
) -> Result<(), String> {
    writer
        .write_all(format!("{line}\r\n").as_bytes())
        .and_then(|_| writer.flush())
        .map_err(|e| format!("{line}: {e}"))?;
    expect(reader, code, line)
}

/// Reads a reply (its continuation lines too) and checks its code.
fn expect(reader: &mut BufReader<TcpStream>, code: u16, step: &str) -> Result<(), String> {
    let mut reply = String::new();
    loop {
        let mut line = String::new();
        let read = Read::by_ref(reader)
            .take(1024)
            .read_line(&mut line)
            .map_err(|e| format!("{step}: {e}"))?;
        if read == 0 {
            return Err(format!("{step}: the relay closed the connection"));
        }
        reply.push_str(line.trim_end());
        // "250-..." continues, "250 ..." ends.
        if line.as_bytes().get(3) != Some(&b'-') {
            break;
        }
        reply.push(' ');
        if reply.len() > 8192 {
            return Err(format!("{step}: reply too long"));
        }
    }
    match reply.get(..3).and_then(|c| c.parse::<u16>().ok()) {
        Some(got) if got == code => Ok(()),
        _ => Err(format!("{step}: the relay answered {reply:?}")),
    }
}

/// The message's text: headers, a blank line, the body in base64 lines of 76 characters.
fn message(config: &SmtpConfig, mail: &Mail<'_>) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let date = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc2822)
        .unwrap_or_default();
    let body = b64.encode(mail.body.as_bytes());
    let lines = body
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n");
    format!(
        "From: <{from}>\r\nTo: <{to}>\r\nSubject: =?UTF-8?B?{subject}?=\r\nDate: {date}\r\n\
         Message-ID: <{id}@kho>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{lines}",
        from = config.from,
        to = mail.to,
        subject = b64.encode(mail.subject.as_bytes()),
        id = mail.message_id,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_addresses_parse() {
        let c = SmtpConfig::parse("smtp://127.0.0.1:2525", "kho@tinh.gov.vn").unwrap();
        assert_eq!((c.host.as_str(), c.port), ("127.0.0.1", 2525));
        assert_eq!(
            SmtpConfig::parse("smtp://relay.tinh", "kho@tinh.gov.vn")
                .unwrap()
                .port,
            25
        );
        assert!(SmtpConfig::parse("smtps://relay:465", "kho@tinh.gov.vn").is_err());
        assert!(SmtpConfig::parse("smtp://relay:x", "kho@tinh.gov.vn").is_err());
        assert!(SmtpConfig::parse("smtp://relay", "kho").is_err());
    }

    #[test]
    fn the_message_carries_vietnamese_in_base64_with_no_bare_lines() {
        let config = SmtpConfig::parse("smtp://relay", "kho@tinh.gov.vn").unwrap();
        let text = message(
            &config,
            &Mail {
                to: "duc@example.vn",
                subject: "Hoạt động mới",
                body: "Cán bộ đã dùng lại giấy khai sinh.\n.\nHết.",
                message_id: "x1",
            },
        );
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.contains("Subject: =?UTF-8?B?"), "{head}");
        assert!(body.lines().all(|l| l.len() <= 77 && !l.starts_with('.')));
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(body.replace("\r\n", ""))
            .unwrap();
        assert_eq!(
            String::from_utf8(decoded).unwrap(),
            "Cán bộ đã dùng lại giấy khai sinh.\n.\nHết."
        );
    }
}
