//! GNU diff's comparison of two texts (diffutils 3.8, `analyze.c` and `io.c`), so that the
//! edit script — and with it every hunk `kubectl diff` prints — is the one `diff -u`
//! prints, not merely a minimal one: among equally short scripts GNU diff picks by its own
//! steps, and each is here in its order.
//!
//! 1. `find_identical_ends`: the byte-identical head and tail of the two texts are left
//!    out, except `horizon` lines at each side (`--horizon-lines`, at least the context).
//! 2. Every remaining line gets an equivalence class (equal lines, equal class).
//! 3. `discard_confusing_lines`: lines with no match in the other text, and runs of lines
//!    with very many, are marked changed before the search and hidden from it.
//! 4. `compareseq` / `diag`: Myers' O(ND) search from both ends for the middle snake,
//!    splitting there, without the heuristics (they start at a cost of 4096 lines).
//! 5. `shift_boundaries`: each run of changes slides down as far as equal lines let it,
//!    merging with its neighbours, and back up to meet a change in the other text.

/// One step of the edit script: `deleted` lines of the old text from `line0`, replaced
/// by `inserted` lines of the new text from `line1` (0-based; for a pure insertion
/// `line0` is the old line it goes before, likewise `line1` for a deletion).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub line0: usize,
    pub line1: usize,
    pub deleted: usize,
    pub inserted: usize,
}

/// A text split into lines as diff reads it.
pub struct Text<'a> {
    /// Each line without its newline.
    pub lines: Vec<&'a str>,
    /// The last line had no newline (`\ No newline at end of file`).
    pub missing_newline: bool,
}

impl<'a> Text<'a> {
    pub fn new(text: &'a str) -> Text<'a> {
        let missing_newline = !text.is_empty() && !text.ends_with('\n');
        let body = text.strip_suffix('\n').unwrap_or(text);
        let lines = if text.is_empty() {
            Vec::new()
        } else {
            body.split('\n').collect()
        };
        Text {
            lines,
            missing_newline,
        }
    }
}

/// The edit script from `old` to `new`, in order.
pub fn changes<'a>(old: &Text<'a>, new: &Text<'a>, horizon: usize) -> Vec<Change> {
    let a = bytes_of(old);
    let b = bytes_of(new);
    let ends = identical_ends(&a, &b, old.missing_newline, new.missing_newline, horizon);
    let prefix_lines = count_newlines(&a[..ends.prefix_end]);
    let lines0 = old.lines.len();
    let lines1 = new.lines.len();
    let suffix0 = count_newlines(&a[ends.suffix_begin.0..]);
    let suffix1 = count_newlines(&b[ends.suffix_begin.1..]);
    let n0 = lines0 - prefix_lines - suffix0;
    let n1 = lines1 - prefix_lines - suffix1;
    let key = |t: &Text<'a>, i: usize| (t.lines[i], t.missing_newline && i + 1 == t.lines.len());
    // Classes from 1, in order of first appearance, file 0's lines first (io.c).
    let mut classes: std::collections::HashMap<(&str, bool), usize> = Default::default();
    let mut class_of = |k: (&'a str, bool)| {
        let next = classes.len() + 1;
        *classes.entry(k).or_insert(next)
    };
    let equivs0: Vec<usize> = (0..n0)
        .map(|i| class_of(key(old, prefix_lines + i)))
        .collect();
    let equivs1: Vec<usize> = (0..n1)
        .map(|i| class_of(key(new, prefix_lines + i)))
        .collect();
    let max_class = classes.len() + 1;
    let mut files = [File::new(equivs0), File::new(equivs1)];
    discard_confusing_lines(&mut files, max_class);
    let noted = {
        let mut ctx = Search::new(&files);
        ctx.compareseq(0, files[0].undiscarded.len(), 0, files[1].undiscarded.len());
        ctx.noted
    };
    for (f, file) in files.iter_mut().enumerate() {
        for &x in &noted[f] {
            file.changed.set(file.realindexes[x] as isize, true);
        }
    }
    shift_boundaries(&mut files);
    script(&files, prefix_lines)
}

/// The text as diff holds it: every line ends in a newline (one is added to a last line
/// without, which is then only equal to the other text's last line without).
fn bytes_of(t: &Text) -> Vec<u8> {
    let mut v = Vec::new();
    for l in &t.lines {
        v.extend_from_slice(l.as_bytes());
        v.push(b'\n');
    }
    v
}

fn count_newlines(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

struct Ends {
    /// Where the region compared begins (the same offset in both texts).
    prefix_end: usize,
    /// Where the identical tail left out begins, in each text.
    suffix_begin: (usize, usize),
}

/// `find_identical_ends`: the identical head, backed up to a line start and then by
/// `horizon` lines; the identical tail (never overlapping the head), moved forward to a
/// line start in both and then by `horizon` lines.
fn identical_ends(a: &[u8], b: &[u8], missing0: bool, missing1: bool, horizon: usize) -> Ends {
    let (n0, n1) = (a.len(), b.len());
    let mut p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    // The added newline of a last line without one is not part of the head.
    if (n0 - usize::from(missing0) < p) != (n1 - usize::from(missing1) < p) {
        p -= 1;
    }
    let mut hor = horizon;
    while p != 0 {
        if a[p - 1] == b'\n' {
            if hor == 0 {
                break;
            }
            hor -= 1;
        }
        p -= 1;
    }
    let prefix_end = p;
    if missing0 != missing1 {
        return Ends {
            prefix_end,
            suffix_begin: (n0, n1),
        };
    }
    let (mut p0, mut p1) = (n0, n1);
    let beg0 = prefix_end + n0.saturating_sub(n1);
    while p0 != beg0 {
        p0 -= 1;
        p1 -= 1;
        if a[p0] != b[p1] {
            p0 += 1;
            p1 += 1;
            break;
        }
    }
    let beg0 = p0;
    let at_line_beginning = (p0 == 0 || a[p0 - 1] == b'\n') && (p1 == 0 || b[p1 - 1] == b'\n');
    let mut i = horizon + usize::from(!at_line_beginning);
    while i > 0 && p0 != n0 {
        i -= 1;
        while a[p0] != b'\n' {
            p0 += 1;
        }
        p0 += 1;
    }
    p1 += p0 - beg0;
    Ends {
        prefix_end,
        suffix_begin: (p0, p1),
    }
}

/// Flags with a `false` beyond each end, as GNU diff allocates them (index -1 and len).
struct Flags(Vec<bool>);

impl Flags {
    fn new(len: usize) -> Flags {
        Flags(vec![false; len + 2])
    }
    fn get(&self, i: isize) -> bool {
        self.0[(i + 1) as usize]
    }
    fn set(&mut self, i: isize, v: bool) {
        self.0[(i + 1) as usize] = v;
    }
}

/// One text's part in the comparison.
struct File {
    equivs: Vec<usize>,
    changed: Flags,
    /// The classes of the lines not discarded, and where each of them is in `equivs`.
    undiscarded: Vec<usize>,
    realindexes: Vec<usize>,
}

impl File {
    fn new(equivs: Vec<usize>) -> File {
        File {
            changed: Flags::new(equivs.len()),
            equivs,
            undiscarded: Vec::new(),
            realindexes: Vec::new(),
        }
    }
}

fn floor_log2(n: usize) -> u32 {
    usize::BITS - 1 - n.leading_zeros()
}

/// `discard_confusing_lines`: a line matching nothing in the other text is a change for
/// sure; one matching very many is discarded too when it sits inside a run of such lines.
fn discard_confusing_lines(files: &mut [File; 2], max_class: usize) {
    let mut counts = [vec![0usize; max_class], vec![0usize; max_class]];
    for f in 0..2 {
        for &e in &files[f].equivs {
            counts[f][e] += 1;
        }
    }
    let mut discarded: [Vec<u8>; 2] = [Vec::new(), Vec::new()];
    for f in 0..2 {
        let end = files[f].equivs.len();
        let many = if end < 64 {
            5
        } else {
            5usize << ((floor_log2(end) >> 1) - 3)
        };
        discarded[f] = files[f]
            .equivs
            .iter()
            .map(|&e| match counts[1 - f][e] {
                0 => 1,
                n if n > many => 2,
                _ => 0,
            })
            .collect();
    }
    for d in &mut discarded {
        cancel_provisional(d);
    }
    for f in 0..2 {
        let file = &mut files[f];
        for (i, &d) in discarded[f].iter().enumerate() {
            if d == 0 {
                file.undiscarded.push(file.equivs[i]);
                file.realindexes.push(i);
            } else {
                file.changed.set(i as isize, true);
            }
        }
    }
}

/// Provisional discards (2) stand only inside a run of discards that starts and ends
/// with a sure one (1), and not in long subruns or near the run's ends.
fn cancel_provisional(discards: &mut [u8]) {
    let end = discards.len();
    let mut i = 0;
    while i < end {
        if discards[i] == 2 {
            discards[i] = 0;
        } else if discards[i] != 0 {
            let mut provisional = 0;
            let mut j = i;
            while j < end && discards[j] != 0 {
                if discards[j] == 2 {
                    provisional += 1;
                }
                j += 1;
            }
            while j > i && discards[j - 1] == 2 {
                j -= 1;
                discards[j] = 0;
                provisional -= 1;
            }
            let length = j - i;
            if length >> 2 < provisional {
                for d in &mut discards[i..j] {
                    if *d == 2 {
                        *d = 0;
                    }
                }
            } else {
                let minimum = if length < 4 {
                    2
                } else {
                    (1usize << ((floor_log2(length) >> 1) - 1)) + 1
                };
                let mut consec = 0;
                let mut k = 0isize;
                while (k as usize) < length {
                    let at = i + k as usize;
                    if discards[at] != 2 {
                        consec = 0;
                    } else {
                        consec += 1;
                        if minimum == consec {
                            // Back to the start of the subrun, to cancel it all.
                            k -= consec as isize;
                        } else if minimum < consec {
                            discards[at] = 0;
                        }
                    }
                    k += 1;
                }
                cancel_at_run_end(discards, length, |j| i + j);
                i += length - 1;
                let last = i;
                cancel_at_run_end(discards, length, |j| last - j);
            }
        }
        i += 1;
    }
}

/// From one end of a run until three sure discards in a row, or a sure one at least
/// eight lines in: provisional discards there are cancelled.
fn cancel_at_run_end(discards: &mut [u8], length: usize, at: impl Fn(usize) -> usize) {
    let mut consec = 0;
    for j in 0..length {
        let k = at(j);
        if j >= 8 && discards[k] == 1 {
            break;
        }
        match discards[k] {
            2 => {
                consec = 0;
                discards[k] = 0;
            }
            0 => consec = 0,
            _ => consec += 1,
        }
        if consec == 3 {
            break;
        }
    }
}

/// `compareseq` over the undiscarded lines, noting which of them are changes.
struct Search<'f> {
    xv: &'f [usize],
    yv: &'f [usize],
    fd: Vec<isize>,
    bd: Vec<isize>,
    /// Diagonal k is stored at k + offset.
    offset: isize,
    noted: [Vec<usize>; 2],
}

impl<'f> Search<'f> {
    fn new(files: &'f [File; 2]) -> Search<'f> {
        let (n0, n1) = (files[0].undiscarded.len(), files[1].undiscarded.len());
        let diags = n0 + n1 + 3;
        Search {
            xv: &files[0].undiscarded,
            yv: &files[1].undiscarded,
            fd: vec![0; diags],
            bd: vec![0; diags],
            offset: n1 as isize + 1,
            noted: [Vec::new(), Vec::new()],
        }
    }

    fn compareseq(&mut self, mut xoff: usize, mut xlim: usize, mut yoff: usize, mut ylim: usize) {
        while xoff < xlim && yoff < ylim && self.xv[xoff] == self.yv[yoff] {
            xoff += 1;
            yoff += 1;
        }
        while xoff < xlim && yoff < ylim && self.xv[xlim - 1] == self.yv[ylim - 1] {
            xlim -= 1;
            ylim -= 1;
        }
        if xoff == xlim {
            self.noted[1].extend(yoff..ylim);
        } else if yoff == ylim {
            self.noted[0].extend(xoff..xlim);
        } else {
            let (xmid, ymid) =
                self.diag(xoff as isize, xlim as isize, yoff as isize, ylim as isize);
            self.compareseq(xoff, xmid, yoff, ymid);
            self.compareseq(xmid, xlim, ymid, ylim);
        }
    }

    /// The middle snake of the shortest edit script for the part given, searched from
    /// both corners at once; the point where the searches meet.
    fn diag(&mut self, xoff: isize, xlim: isize, yoff: isize, ylim: isize) -> (usize, usize) {
        let o = self.offset;
        let (dmin, dmax) = (xoff - ylim, xlim - yoff);
        let (fmid, bmid) = (xoff - yoff, xlim - ylim);
        let (mut fmin, mut fmax, mut bmin, mut bmax) = (fmid, fmid, bmid, bmid);
        let odd = (fmid - bmid) & 1 != 0;
        let eq = |s: &Self, x: isize, y: isize| s.xv[x as usize] == s.yv[y as usize];
        self.fd[(fmid + o) as usize] = xoff;
        self.bd[(bmid + o) as usize] = xlim;
        loop {
            if fmin > dmin {
                fmin -= 1;
                self.fd[(fmin - 1 + o) as usize] = -1;
            } else {
                fmin += 1;
            }
            if fmax < dmax {
                fmax += 1;
                self.fd[(fmax + 1 + o) as usize] = -1;
            } else {
                fmax -= 1;
            }
            let mut d = fmax;
            while d >= fmin {
                let tlo = self.fd[(d - 1 + o) as usize];
                let thi = self.fd[(d + 1 + o) as usize];
                let mut x = if tlo < thi { thi } else { tlo + 1 };
                let mut y = x - d;
                while x < xlim && y < ylim && eq(self, x, y) {
                    x += 1;
                    y += 1;
                }
                self.fd[(d + o) as usize] = x;
                if odd && bmin <= d && d <= bmax && self.bd[(d + o) as usize] <= x {
                    return (x as usize, y as usize);
                }
                d -= 2;
            }
            if bmin > dmin {
                bmin -= 1;
                self.bd[(bmin - 1 + o) as usize] = isize::MAX;
            } else {
                bmin += 1;
            }
            if bmax < dmax {
                bmax += 1;
                self.bd[(bmax + 1 + o) as usize] = isize::MAX;
            } else {
                bmax -= 1;
            }
            let mut d = bmax;
            while d >= bmin {
                let tlo = self.bd[(d - 1 + o) as usize];
                let thi = self.bd[(d + 1 + o) as usize];
                let mut x = if tlo < thi { tlo } else { thi - 1 };
                let mut y = x - d;
                while xoff < x && yoff < y && eq(self, x - 1, y - 1) {
                    x -= 1;
                    y -= 1;
                }
                self.bd[(d + o) as usize] = x;
                if !odd && fmin <= d && d <= fmax && x <= self.fd[(d + o) as usize] {
                    return (x as usize, y as usize);
                }
                d -= 2;
            }
        }
    }
}

/// `shift_boundaries`: runs of changes slide over equal lines to merge with their
/// neighbours, end as low as they can, and then back up to line up with a run of
/// changes in the other text when there is one.
fn shift_boundaries(files: &mut [File; 2]) {
    for f in 0..2 {
        let (this, other) = if f == 0 {
            let (a, b) = files.split_at_mut(1);
            (&mut a[0], &b[0])
        } else {
            let (a, b) = files.split_at_mut(1);
            (&mut b[0], &a[0])
        };
        let equivs = &this.equivs;
        let changed = &mut this.changed;
        let other_changed = &other.changed;
        let i_end = equivs.len() as isize;
        let (mut i, mut j): (isize, isize) = (0, 0);
        loop {
            while i < i_end && !changed.get(i) {
                while other_changed.get(j) {
                    j += 1;
                }
                j += 1;
                i += 1;
            }
            if i == i_end {
                break;
            }
            let mut start = i;
            i += 1;
            while changed.get(i) {
                i += 1;
            }
            while other_changed.get(j) {
                j += 1;
            }
            let mut corresponding;
            loop {
                let runlength = i - start;
                while start > 0 && equivs[(start - 1) as usize] == equivs[(i - 1) as usize] {
                    start -= 1;
                    changed.set(start, true);
                    i -= 1;
                    changed.set(i, false);
                    while changed.get(start - 1) {
                        start -= 1;
                    }
                    j -= 1;
                    while other_changed.get(j) {
                        j -= 1;
                    }
                }
                corresponding = if other_changed.get(j - 1) { i } else { i_end };
                while i != i_end && equivs[start as usize] == equivs[i as usize] {
                    changed.set(start, false);
                    start += 1;
                    changed.set(i, true);
                    i += 1;
                    while changed.get(i) {
                        i += 1;
                    }
                    j += 1;
                    while other_changed.get(j) {
                        j += 1;
                        corresponding = i;
                    }
                }
                if runlength == i - start {
                    break;
                }
            }
            while corresponding < i {
                start -= 1;
                changed.set(start, true);
                i -= 1;
                changed.set(i, false);
                j -= 1;
                while other_changed.get(j) {
                    j -= 1;
                }
            }
        }
    }
}

/// `build_script`: the changes in order, numbered in the whole texts.
fn script(files: &[File; 2], prefix_lines: usize) -> Vec<Change> {
    let (c0, c1) = (&files[0].changed, &files[1].changed);
    let (len0, len1) = (
        files[0].equivs.len() as isize,
        files[1].equivs.len() as isize,
    );
    let (mut i0, mut i1) = (0isize, 0isize);
    let mut out = Vec::new();
    while i0 < len0 || i1 < len1 {
        if c0.get(i0) || c1.get(i1) {
            let (line0, line1) = (i0, i1);
            while c0.get(i0) {
                i0 += 1;
            }
            while c1.get(i1) {
                i1 += 1;
            }
            out.push(Change {
                line0: line0 as usize + prefix_lines,
                line1: line1 as usize + prefix_lines,
                deleted: (i0 - line0) as usize,
                inserted: (i1 - line1) as usize,
            });
        }
        i0 += 1;
        i1 += 1;
    }
    out
}
