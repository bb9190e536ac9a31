//! TEMPORARY stand-ins for helpers written in another branch (`printers::tabwriter`,
//! `printers::duration`, `engine::time`). Same signatures; the lead replaces the
//! `_stubs::` paths in `columns.rs` and `describe.rs` with the real modules at merge.

/// Stand-in for `crate::kubectl::printers::tabwriter`.
pub mod tabwriter {
    /// Width of a cell in runes, as Go's tabwriter counts it.
    fn width(s: &str) -> usize {
        s.chars().count()
    }

    /// `kubectl get` layout: minwidth 6, padding 3, last cell unpadded.
    pub fn format_table(rows: &[Vec<String>]) -> Vec<String> {
        let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut widths = vec![0usize; cols];
        for row in rows {
            for (i, cell) in row.iter().enumerate() {
                if i + 1 < row.len() {
                    widths[i] = widths[i].max((width(cell) + 3).max(6));
                }
            }
        }
        rows.iter()
            .map(|row| {
                let mut line = String::new();
                for (i, cell) in row.iter().enumerate() {
                    line.push_str(cell);
                    if i + 1 < row.len() {
                        line.push_str(&" ".repeat(widths[i] - width(cell)));
                    }
                }
                line
            })
            .collect()
    }

    /// Go `text/tabwriter` with minwidth 0, tabwidth 8, padding 2, flags 0.
    pub fn format_tabbed(text: &str) -> String {
        let lines: Vec<&str> = text.split('\n').collect();
        let cells: Vec<Vec<&str>> = lines.iter().map(|l| l.split('\t').collect()).collect();
        let mut out = String::new();
        let widths = column_widths(&cells);
        for (li, row) in cells.iter().enumerate() {
            for (ci, cell) in row.iter().enumerate() {
                out.push_str(cell);
                if ci + 1 < row.len() {
                    out.push_str(&" ".repeat(widths[li][ci] - width(cell)));
                }
            }
            if li + 1 < cells.len() {
                out.push('\n');
            }
        }
        out
    }

    /// Per line and tab-terminated cell, the width of its column block (cell + 2).
    fn column_widths(cells: &[Vec<&str>]) -> Vec<Vec<usize>> {
        let mut widths: Vec<Vec<usize>> = cells
            .iter()
            .map(|r| vec![0; r.len().saturating_sub(1)])
            .collect();
        let max_cols = cells.iter().map(Vec::len).max().unwrap_or(0);
        for col in 0..max_cols {
            let mut line = 0;
            while line < cells.len() {
                if cells[line].len() > col + 1 {
                    let start = line;
                    let mut w = 0;
                    while line < cells.len() && cells[line].len() > col + 1 {
                        w = w.max(width(cells[line][col]) + 2);
                        line += 1;
                    }
                    for row in widths.iter_mut().take(line).skip(start) {
                        row[col] = w;
                    }
                } else {
                    line += 1;
                }
            }
        }
        widths
    }
}

/// Stand-in for `crate::kubectl::printers::duration`.
pub mod duration {
    /// apimachinery `HumanDuration`.
    pub fn human_duration(ms: i64) -> String {
        let secs = ms.div_euclid(1000);
        if secs < -1 {
            return "<invalid>".into();
        }
        if secs < 0 {
            return "0s".into();
        }
        if secs < 120 {
            return format!("{secs}s");
        }
        let minutes = secs / 60;
        if minutes < 10 {
            let s = secs % 60;
            return if s == 0 {
                format!("{minutes}m")
            } else {
                format!("{minutes}m{s}s")
            };
        }
        if minutes < 180 {
            return format!("{minutes}m");
        }
        let hours = secs / 3600;
        if hours < 8 {
            let m = minutes % 60;
            return if m == 0 {
                format!("{hours}h")
            } else {
                format!("{hours}h{m}m")
            };
        }
        if hours < 48 {
            return format!("{hours}h");
        }
        if hours < 192 {
            let h = hours % 24;
            let d = hours / 24;
            return if h == 0 {
                format!("{d}d")
            } else {
                format!("{d}d{h}h")
            };
        }
        let days = hours / 24;
        if hours < 24 * 365 * 2 {
            return format!("{days}d");
        }
        let years = days / 365;
        if years < 8 {
            let d = days % 365;
            return if d == 0 {
                format!("{years}y")
            } else {
                format!("{years}y{d}d")
            };
        }
        format!("{years}y")
    }
}

/// Stand-in for `crate::engine::time`.
pub mod time {
    /// Days since 1970-01-01 of a proleptic Gregorian date.
    fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146097 + doe - 719468
    }

    /// (year, month, day) of a day number since the epoch.
    fn civil_from_days(z: i64) -> (i64, i64, i64) {
        let z = z + 719468;
        let era = z.div_euclid(146097);
        let doe = z - era * 146097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        (
            if m <= 2 {
                yoe + era * 400 + 1
            } else {
                yoe + era * 400
            },
            m,
            d,
        )
    }

    /// `2025-10-14T09:12:03Z` (optionally with fractional seconds) → epoch ms.
    pub fn parse_rfc3339(s: &str) -> Option<i64> {
        let b = s.as_bytes();
        if b.len() < 20 {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
        let mut ms = 0;
        let mut rest = &s[19..];
        if let Some(frac) = rest.strip_prefix('.') {
            let digits: String = frac.chars().take_while(char::is_ascii_digit).collect();
            let padded = format!("{digits:0<3}");
            ms = padded.get(0..3)?.parse::<i64>().ok()?;
            rest = &frac[digits.len()..];
        }
        if rest != "Z" {
            return None;
        }
        Some(((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60_000 + se * 1000 + ms)
    }

    /// Go `time.RFC1123Z` in UTC: `Tue, 14 Oct 2025 09:12:03 +0000`.
    pub fn format_rfc1123z(ms: i64) -> String {
        let secs = ms.div_euclid(1000);
        let days = secs.div_euclid(86400);
        let sod = secs.rem_euclid(86400);
        let (y, m, d) = civil_from_days(days);
        const WD: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        const MO: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        format!(
            "{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000",
            WD[days.rem_euclid(7) as usize],
            d,
            MO[(m - 1) as usize],
            y,
            sod / 3600,
            sod % 3600 / 60,
            sod % 60
        )
    }
}
