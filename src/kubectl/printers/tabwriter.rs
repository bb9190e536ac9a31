//! Column alignment as Go's `text/tabwriter` does it.
//!
//! Two configurations are used by kubectl:
//! * `kubectl get` tables: `liggitt/tabwriter` (a fork of text/tabwriter) with minwidth 6,
//!   tabwidth 4, padding 3, padchar ' ' and the `RememberWidths` flag ([`format_table`],
//!   [`WatchTable`]).
//! * `describe` and `rollout history`: the standard text/tabwriter with minwidth 0,
//!   tabwidth 8, padding 2, padchar ' ', flags 0 ([`format_tabbed`]).
//!
//! The algorithm mirrors text/tabwriter's `format`: a *cell* is text terminated by a tab;
//! the text after the last tab of a line is not a cell and is never padded. A *column
//! block* is a run of consecutive lines that all have a cell in that column; its width is
//! the widest cell plus padding (at least minwidth). Blocks nest: within a block of column
//! k, the lines are split again into blocks for column k+1.

/// Settings of one tabwriter.
#[derive(Debug, Clone, Copy)]
struct Config {
    minwidth: usize,
    padding: usize,
}

/// `kubectl get`'s settings (tabwidth is irrelevant when padding with spaces).
const GET_TABLE: Config = Config {
    minwidth: 6,
    padding: 3,
};

/// `describe`'s settings.
const DESCRIBE: Config = Config {
    minwidth: 0,
    padding: 2,
};

/// One buffered line: its tab-terminated cells and the trailing text after the last tab.
#[derive(Debug, Clone)]
struct Line {
    cells: Vec<String>,
    trailing: String,
}

impl Line {
    /// Number of cells in text/tabwriter terms (the trailing text counts as the last cell).
    fn cell_count(&self) -> usize {
        self.cells.len() + 1
    }
}

/// Width of a cell as text/tabwriter counts it: in runes.
fn text_width(s: &str) -> usize {
    s.chars().count()
}

/// The aligning engine; `remembered` holds the RememberWidths state (None = flag off).
struct Formatter<'a> {
    config: Config,
    lines: &'a [Line],
    widths: Vec<usize>,
    remembered: Option<&'a mut Vec<usize>>,
    out: Vec<String>,
}

impl Formatter<'_> {
    /// text/tabwriter's recursive `format` over lines `line0..line1`.
    fn format(&mut self, mut line0: usize, line1: usize) {
        let column = self.widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= self.lines[this].cell_count() {
                this += 1;
                continue;
            }
            // A cell exists in this column: print the lines before the block.
            self.write_lines(line0, this);
            line0 = this;
            let mut width = self.config.minwidth;
            while this < line1 && column + 1 < self.lines[this].cell_count() {
                let w = text_width(&self.lines[this].cells[column]) + self.config.padding;
                width = width.max(w);
                this += 1;
            }
            if let Some(remembered) = self.remembered.as_deref_mut() {
                if remembered.len() < column {
                    remembered.extend_from_slice(&self.widths[remembered.len()..]);
                }
                if remembered.len() == column {
                    remembered.push(width);
                } else if remembered[column] > width {
                    width = remembered[column];
                } else {
                    remembered[column] = width;
                }
            }
            self.widths.push(width);
            self.format(line0, this);
            self.widths.pop();
            line0 = this;
        }
        self.write_lines(line0, line1);
    }

    /// Emit lines `line0..line1` with the column widths currently on the stack.
    fn write_lines(&mut self, line0: usize, line1: usize) {
        for line in &self.lines[line0..line1] {
            let mut s = String::new();
            for (j, cell) in line.cells.iter().enumerate() {
                s.push_str(cell);
                if let Some(&w) = self.widths.get(j) {
                    let pad = w.saturating_sub(text_width(cell));
                    s.extend(std::iter::repeat_n(' ', pad));
                }
            }
            s.push_str(&line.trailing);
            self.out.push(s);
        }
    }
}

/// Align `lines` with `config`, optionally using and updating remembered widths.
fn align(config: Config, lines: &[Line], remembered: Option<&mut Vec<usize>>) -> Vec<String> {
    let mut f = Formatter {
        config,
        lines,
        widths: Vec::new(),
        remembered,
        out: Vec::with_capacity(lines.len()),
    };
    f.format(0, lines.len());
    f.out
}

/// Turn table rows into tabwriter lines: every cell but the last is tab-terminated.
fn rows_to_lines(rows: &[Vec<String>]) -> Vec<Line> {
    rows.iter()
        .map(|row| match row.split_last() {
            Some((last, rest)) => Line {
                cells: rest.to_vec(),
                trailing: last.clone(),
            },
            None => Line {
                cells: Vec::new(),
                trailing: String::new(),
            },
        })
        .collect()
}

/// Lay out table rows as `kubectl get` does (minwidth 6, padding 3, last cell unpadded).
///
/// Each returned string is one output line without its newline.
pub fn format_table(rows: &[Vec<String>]) -> Vec<String> {
    align(GET_TABLE, &rows_to_lines(rows), None)
}

/// A `kubectl get -w` table: column widths are remembered across calls and never shrink.
#[derive(Debug, Clone, Default)]
pub struct WatchTable {
    remembered: Vec<usize>,
}

impl WatchTable {
    /// A table with no remembered widths.
    pub fn new() -> Self {
        Self::default()
    }

    /// Format one flush worth of rows (e.g. header + initial list, then one row per event).
    pub fn render(&mut self, rows: &[Vec<String>]) -> Vec<String> {
        align(GET_TABLE, &rows_to_lines(rows), Some(&mut self.remembered))
    }

    /// Forget remembered widths (kubectl does this when switching resource type).
    pub fn reset(&mut self) {
        self.remembered.clear();
    }
}

/// Align tab-separated text as `describe` does (text/tabwriter, minwidth 0, padding 2).
///
/// Newlines are kept; a final segment without a newline is emitted as is.
pub fn format_tabbed(text: &str) -> String {
    let mut lines = Vec::new();
    let mut segments = text.split('\n').peekable();
    while let Some(segment) = segments.next() {
        let is_last = segments.peek().is_none();
        let mut parts: Vec<String> = segment.split('\t').map(str::to_string).collect();
        let trailing = parts.pop().unwrap_or_default();
        // At the very end (no newline), an empty trailing segment is not a cell: the
        // last tab-terminated cell then becomes the line's unaligned last cell.
        let line = if is_last && trailing.is_empty() {
            match parts.pop() {
                Some(last) => Line {
                    cells: parts,
                    trailing: last,
                },
                None => Line {
                    cells: Vec::new(),
                    trailing,
                },
            }
        } else {
            Line {
                cells: parts,
                trailing,
            }
        };
        lines.push(line);
    }
    align(DESCRIBE, &lines, None).join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn get_pods_table_matches_the_reference_rendering() {
        let rows = vec![
            row(&["NAME", "READY", "STATUS", "RESTARTS", "AGE"]),
            row(&["web-0", "1/1", "Running", "0", "2m10s"]),
            row(&["web-1", "1/1", "Running", "0", "118s"]),
            row(&["web-2", "0/1", "Pending", "0", "3s"]),
        ];
        assert_eq!(
            format_table(&rows),
            vec![
                "NAME    READY   STATUS    RESTARTS   AGE",
                "web-0   1/1     Running   0          2m10s",
                "web-1   1/1     Running   0          118s",
                "web-2   0/1     Pending   0          3s",
            ]
        );
    }

    #[test]
    fn narrow_columns_are_at_least_six_wide() {
        let rows = vec![
            row(&["NAME", "READY", "AGE"]),
            row(&["web", "2/3", "2m10s"]),
        ];
        assert_eq!(
            format_table(&rows),
            vec!["NAME   READY   AGE", "web    2/3     2m10s"]
        );
    }

    #[test]
    fn empty_cells_still_take_their_column_width() {
        let rows = vec![
            row(&[
                "NAME",
                "STATUS",
                "VOLUME",
                "CAPACITY",
                "ACCESS MODES",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "AGE",
            ]),
            row(&[
                "www-web-0",
                "Bound",
                "pvc-5c4b7e0e-1c6b-4bb8-9a9c-3a8b0e1f2d3c",
                "1Gi",
                "RWO",
                "standard",
                "<unset>",
                "2m10s",
            ]),
            row(&[
                "www-web-2",
                "Pending",
                "",
                "",
                "",
                "standard",
                "<unset>",
                "3s",
            ]),
        ];
        assert_eq!(
            format_table(&rows),
            vec![
                "NAME        STATUS    VOLUME                                     CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE",
                "www-web-0   Bound     pvc-5c4b7e0e-1c6b-4bb8-9a9c-3a8b0e1f2d3c   1Gi        RWO            standard       <unset>                 2m10s",
                "www-web-2   Pending                                                                        standard       <unset>                 3s",
            ]
        );
    }

    #[test]
    fn the_last_cell_is_not_padded_but_an_empty_one_leaves_the_padding_before_it() {
        let rows = vec![row(&["NAME", "AGE"]), row(&["a", "5s"]), row(&["b", ""])];
        assert_eq!(
            format_table(&rows),
            vec!["NAME   AGE", "a      5s", "b      "]
        );
    }

    #[test]
    fn widths_count_characters_not_bytes() {
        let rows = vec![row(&["NAME", "X"]), row(&["äöü-ß", "1"])];
        assert_eq!(format_table(&rows), vec!["NAME    X", "äöü-ß   1"]);
    }

    #[test]
    fn watch_rows_keep_header_alignment_and_widen_only_later_rows() {
        let mut t = WatchTable::new();
        let mut out = t.render(&[
            row(&["NAME", "READY", "STATUS", "RESTARTS", "AGE"]),
            row(&["web-0", "0/1", "Pending", "0", "0s"]),
        ]);
        out.extend(t.render(&[row(&["web-0", "0/1", "Pending", "0", "0s"])]));
        out.extend(t.render(&[row(&["web-0", "0/1", "ContainerCreating", "0", "0s"])]));
        out.extend(t.render(&[row(&["web-0", "1/1", "Running", "0", "2s"])]));
        out.extend(t.render(&[row(&["web-1", "0/1", "Pending", "0", "0s"])]));
        assert_eq!(
            out,
            vec![
                "NAME    READY   STATUS    RESTARTS   AGE",
                "web-0   0/1     Pending   0          0s",
                "web-0   0/1     Pending   0          0s",
                "web-0   0/1     ContainerCreating   0          0s",
                "web-0   1/1     Running             0          2s",
                "web-1   0/1     Pending             0          0s",
            ]
        );
    }

    #[test]
    fn watch_table_reset_forgets_widths() {
        let mut t = WatchTable::new();
        t.render(&[row(&["A-VERY-LONG-NAME", "X"])]);
        t.reset();
        assert_eq!(t.render(&[row(&["A", "X"])]), vec!["A     X"]);
    }

    #[test]
    fn describe_blocks_are_aligned_separately() {
        let text = "Name:\tweb-0\nService Account:\tdefault\nIP:\t10.244.1.5\nIPs:\n  IP:\t10.244.1.5\nControlled By:\tStatefulSet/web\n";
        assert_eq!(
            format_tabbed(text),
            "Name:             web-0\nService Account:  default\nIP:               10.244.1.5\nIPs:\n  IP:           10.244.1.5\nControlled By:  StatefulSet/web\n"
        );
    }

    #[test]
    fn describe_pads_cells_followed_by_an_empty_value() {
        let text = "Volume Claims:\n  Name:\twww\n  StorageClass:\t\n  Labels:\t<none>\n  Capacity:\t1Gi\n";
        assert_eq!(
            format_tabbed(text),
            "Volume Claims:\n  Name:          www\n  StorageClass:  \n  Labels:        <none>\n  Capacity:      1Gi\n"
        );
    }

    #[test]
    fn describe_events_table_columns_nest_inside_the_first_column_block() {
        let text = "Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n  Normal\tScheduled\t12s\tdefault-scheduler\tSuccessfully assigned default/web-0 to node01\n";
        assert_eq!(
            format_tabbed(text),
            "Events:\n  Type    Reason     Age   From               Message\n  ----    ------     ----  ----               -------\n  Normal  Scheduled  12s   default-scheduler  Successfully assigned default/web-0 to node01\n"
        );
    }

    #[test]
    fn describe_conditions_rows_keep_their_trailing_space() {
        let text = "Conditions:\n  Type\tStatus\n  PodReadyToStartContainers \tTrue \n  Initialized \tTrue \n";
        assert_eq!(
            format_tabbed(text),
            "Conditions:\n  Type                        Status\n  PodReadyToStartContainers   True \n  Initialized                 True \n"
        );
    }

    #[test]
    fn describe_nested_blocks_follow_text_tabwriter() {
        // Column 0 spans all three lines; column 1 exists only on the first two.
        let text = "a\tb\tc\nlonger\tbb\tc\nx\ty\n";
        assert_eq!(
            format_tabbed(text),
            "a       b   c\nlonger  bb  c\nx       y\n"
        );
    }

    #[test]
    fn describe_pod_template_block_matches_the_reference() {
        let text = "Pod Template:\n  Labels:  app=nginx\n  Containers:\n   nginx:\n    Image:\tregistry.k8s.io/nginx-slim:0.24\n    Port:\t80/TCP (web)\n    Host Port:\t0/TCP (web)\n    Environment:\t<none>\n    Mounts:\n      /usr/share/nginx/html from www (rw)\n  Volumes:\t<none>\n  Node-Selectors:\t<none>\n  Tolerations:\t<none>\n";
        assert_eq!(
            format_tabbed(text),
            "Pod Template:\n  Labels:  app=nginx\n  Containers:\n   nginx:\n    Image:        registry.k8s.io/nginx-slim:0.24\n    Port:         80/TCP (web)\n    Host Port:    0/TCP (web)\n    Environment:  <none>\n    Mounts:\n      /usr/share/nginx/html from www (rw)\n  Volumes:         <none>\n  Node-Selectors:  <none>\n  Tolerations:     <none>\n"
        );
    }

    #[test]
    fn describe_text_without_final_newline_is_written_as_is() {
        assert_eq!(format_tabbed("a\tb\nccc\td"), "a    b\nccc  d");
        assert_eq!(format_tabbed(""), "");
    }
}
