//! Progress of a long batch on standard error: a bar redrawn in place on a terminal, a plain line
//! every ten seconds otherwise (logs, CI).

use ingest::Summary;
use schemas::messages as m;
use schemas::Message;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

pub struct BatchProgress {
    started: Instant,
    last: Option<Instant>,
    terminal: bool,
    drawn: bool,
}

/// `1h02m`, `3m20s`, `12s`.
pub fn duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

impl BatchProgress {
    pub fn new(started: Instant) -> Self {
        BatchProgress {
            started,
            last: None,
            terminal: std::io::stderr().is_terminal(),
            drawn: false,
        }
    }

    fn line(&self, s: &Summary) -> String {
        let elapsed = self.started.elapsed();
        let rate = s.pages as f64 / elapsed.as_secs_f64().max(0.001);
        let eta = if s.done > 0 && s.done < s.total {
            let left = elapsed.mul_f64((s.total - s.done) as f64 / s.done as f64);
            Message::new(&m::CLI_PROGRESS_ETA)
                .with("left", duration(left))
                .to_string()
        } else {
            String::new()
        };
        Message::new(&m::CLI_PROGRESS)
            .with("done", s.done)
            .with("total", s.total)
            .with("pages", s.pages)
            .with("rate", format!("{rate:.1}"))
            .with("rejected", s.rejected)
            .with("eta", eta)
            .to_string()
    }

    pub fn update(&mut self, s: &Summary) {
        let every = if self.terminal {
            Duration::from_millis(200)
        } else {
            Duration::from_secs(10)
        };
        if self.last.is_some_and(|t| t.elapsed() < every) && s.done < s.total {
            return;
        }
        self.last = Some(Instant::now());
        let mut err = std::io::stderr().lock();
        if self.terminal {
            let width = 24;
            let filled = (s.done * width / s.total.max(1)) as usize;
            let bar = format!(
                "{}{}",
                "#".repeat(filled),
                ".".repeat(width as usize - filled)
            );
            let _ = write!(err, "\r\x1b[K[{bar}] {}", self.line(s));
            self.drawn = true;
        } else {
            let _ = writeln!(err, "kho: ingest: {}", self.line(s));
        }
        let _ = err.flush();
    }

    /// Removes the bar so that other output starts on a clean line.
    pub fn clear(&mut self) {
        if self.drawn {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
            self.drawn = false;
        }
    }
}
