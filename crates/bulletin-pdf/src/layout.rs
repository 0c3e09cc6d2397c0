//! Glyphs → lines in reading order.
//!
//! Takes the positioned glyphs of one page and gives text lines: glyphs on one baseline (within
//! a tolerance) joined left to right, overprinted duplicates (fake bold) dropped, spaces inserted
//! only at real gaps and never between CJK characters, and lines ordered top to bottom, reading
//! the left column before the right one when the page clearly has two. Vertical writing comes out
//! as one line per column, right to left.

use crate::content::{Glyph, PageContent};
use crate::{Rect, TextLine};

/// Whether `c` is a CJK character (ideograph, kana, hangul, or CJK/full-width punctuation), between
/// which no space is ever inserted.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11ff
        | 0x2e80..=0x2fdf
        | 0x3000..=0x30ff
        | 0x3100..=0x31ff
        | 0x3200..=0x33ff
        | 0x3400..=0x4dbf
        | 0x4e00..=0x9fff
        | 0xa960..=0xa97f
        | 0xac00..=0xd7ff
        | 0xf900..=0xfaff
        | 0xfe30..=0xfe4f
        | 0xff00..=0xffef
        | 0x20000..=0x3ffff)
}

/// Punctuation that CJK typesetting sets solid with ideographs (quotes, dashes, ellipsis).
fn is_cjk_like(c: char) -> bool {
    is_cjk(c)
        || matches!(
            c,
            '\u{2014}' | '\u{2015}' | '\u{2016}' | '\u{2018}'
                ..='\u{201f}' | '\u{2026}' | '\u{00b7}' | '\u{2022}'
        )
}

/// A glyph projected into its writing direction.
#[derive(Clone, Copy)]
struct Item {
    g: usize,
    along: f32,
    key: f32,
}

/// A run of items on one row with no wide gap.
struct Segment {
    /// Its items, in order along the line, as a range of [`Layout::kept`].
    start: usize,
    end: usize,
    key: f32,
    x0: f32,
    x1: f32,
    /// Largest glyph size.
    size: f32,
}

/// A writing direction quantised to 1/20, with how many glyphs use it.
struct Direction {
    q: (i32, i32),
    count: usize,
}

/// Working buffers of the layout, kept from one page to the next: a page then costs no
/// allocations besides its output lines. Rows, segments and lines are ranges into a few flat
/// vectors instead of a vector each.
#[derive(Default)]
pub(crate) struct Layout {
    directions: Vec<Direction>,
    /// Index into `directions` of every glyph.
    direction_of: Vec<u32>,
    /// Directions in processing order (horizontal first, then by glyph count).
    direction_order: Vec<usize>,
    /// Glyph indices grouped by direction, in `direction_order`.
    by_direction: Vec<usize>,
    /// The items of the direction being laid out, sorted into rows.
    items: Vec<Item>,
    rows: Vec<(usize, usize)>,
    /// Items that survive duplicate removal, segment after segment.
    kept: Vec<Item>,
    segs: Vec<Segment>,
    /// Segment indices in reading order; each line is a range of it.
    order: Vec<usize>,
    line_ranges: Vec<(usize, usize)>,
    /// The items of the line being made, gathered from its segments.
    line: Vec<Item>,
    left: Vec<usize>,
    right: Vec<usize>,
    starts: Vec<f32>,
    sizes: Vec<(f32, usize)>,
}

/// Builds the page's lines from its glyphs (with fresh buffers; see [`Layout::lines`]).
#[cfg(test)]
pub(crate) fn lines(
    page: &PageContent,
    page_width: f32,
    columns: &mut Option<f32>,
) -> Vec<TextLine> {
    Layout::default().lines(page, page_width, columns)
}

impl Layout {
    /// Builds the page's lines from its glyphs.
    ///
    /// `columns` carries the column gutter between the pages of a document: a page that clearly
    /// has two columns sets it, and a page too sparse to show its columns by itself (the end of
    /// an article running into the right column for one line) may use the one found before.
    pub(crate) fn lines(
        &mut self,
        page: &PageContent,
        page_width: f32,
        columns: &mut Option<f32>,
    ) -> Vec<TextLine> {
        let glyphs = &page.glyphs;
        if glyphs.is_empty() {
            return Vec::new();
        }
        self.group_by_direction(glyphs);
        let mut out = Vec::new();
        let mut first = 0;
        for k in 0..self.direction_order.len() {
            let Some(dir) = self.directions.get(self.direction_order[k]) else {
                continue;
            };
            let (q, count) = (dir.q, dir.count);
            let horizontal = q == (20, 0);
            let (dx, dy) = {
                let (x, y) = (q.0 as f32, q.1 as f32);
                let l = (x * x + y * y).sqrt().max(1e-6);
                (x / l, y / l)
            };
            let idx = self
                .by_direction
                .get(first..first + count)
                .unwrap_or_default();
            first += count;
            self.items.clear();
            self.items.extend(idx.iter().map(|&g| {
                let gl = &glyphs[g];
                Item {
                    g,
                    along: dx * gl.x + dy * gl.y,
                    key: dx * gl.y - dy * gl.x,
                }
            }));
            rows(glyphs, &mut self.items, &mut self.rows);
            self.kept.clear();
            self.segs.clear();
            for &(a, b) in &self.rows {
                split_row(page, &self.items[a..b], &mut self.kept, &mut self.segs);
            }
            self.order.clear();
            self.line_ranges.clear();
            if horizontal {
                self.order_columns(page_width, columns);
            } else {
                merge_rows(
                    &self.segs,
                    0..self.segs.len(),
                    &mut self.order,
                    &mut self.line_ranges,
                );
            }
            for &(a, b) in &self.line_ranges {
                let (segs, kept) = (&self.segs, &self.kept);
                self.line.clear();
                for &s in &self.order[a..b] {
                    self.line
                        .extend_from_slice(&kept[segs[s].start..segs[s].end]);
                }
                if let Some(line) = make_line(page, &self.line, (dx, dy), &mut self.sizes) {
                    out.push(line);
                }
            }
        }
        out
    }

    /// Groups the glyphs by writing direction (quantised), horizontal first, then the most used.
    fn group_by_direction(&mut self, glyphs: &[Glyph]) {
        self.directions.clear();
        self.direction_of.clear();
        // Consecutive glyphs nearly always share their direction: reuse the last one found.
        let mut last: Option<((f32, f32), usize)> = None;
        for g in glyphs {
            let k = match last {
                Some(((dx, dy), k)) if dx == g.dx && dy == g.dy => k,
                _ => {
                    let q = ((g.dx * 20.0).round() as i32, (g.dy * 20.0).round() as i32);
                    let k = match self.directions.iter().position(|d| d.q == q) {
                        Some(k) => k,
                        None => {
                            self.directions.push(Direction { q, count: 0 });
                            self.directions.len() - 1
                        }
                    };
                    last = Some(((g.dx, g.dy), k));
                    k
                }
            };
            if let Some(d) = self.directions.get_mut(k) {
                d.count += 1;
            }
            self.direction_of.push(k as u32);
        }
        self.direction_order.clear();
        self.direction_order.extend(0..self.directions.len());
        let dirs = &self.directions;
        if dirs.len() == 1 {
            // One direction (nearly every page): its glyphs are all of them, in order.
            self.by_direction.clear();
            self.by_direction.extend(0..glyphs.len());
            return;
        }
        self.direction_order
            .sort_by_key(|&k| (dirs[k].q != (20, 0), std::cmp::Reverse(dirs[k].count)));
        // Counting sort of the glyph indices into their directions' ranges, in glyph order.
        let mut next = vec![0usize; dirs.len()];
        let mut at = 0;
        for &k in &self.direction_order {
            next[k] = at;
            at += dirs[k].count;
        }
        self.by_direction.clear();
        self.by_direction.resize(glyphs.len(), 0);
        for (g, &k) in self.direction_of.iter().enumerate() {
            if let Some(slot) = next.get_mut(k as usize) {
                if let Some(b) = self.by_direction.get_mut(*slot) {
                    *b = g;
                }
                *slot += 1;
            }
        }
    }

    /// Reading order of the horizontal segments into `order` and `line_ranges`: top to bottom,
    /// or column by column on two-column pages.
    fn order_columns(&mut self, page_width: f32, columns: &mut Option<f32>) {
        let segs = &self.segs;
        let (order, lines) = (&mut self.order, &mut self.line_ranges);
        let gutter = match find_gutter(segs, page_width) {
            Some(g) => {
                *columns = Some(g);
                g
            }
            None => match columns.and_then(|g| fits_gutter(segs, g)) {
                Some(g) => g,
                None => return merge_rows(segs, 0..segs.len(), order, lines),
            },
        };
        // Bands between full-width segments: in each, the left column, then the right.
        let (left, right) = (&mut self.left, &mut self.right);
        left.clear();
        right.clear();
        let flush = |left: &mut Vec<usize>,
                     right: &mut Vec<usize>,
                     order: &mut Vec<usize>,
                     lines: &mut Vec<(usize, usize)>| {
            merge_rows(segs, left.drain(..), order, lines);
            merge_rows(segs, right.drain(..), order, lines);
        };
        // Where the right column's lines start; a row whose right part starts far to the right
        // of it while its left part sits in the left column is a full-width line with a wide gap
        // (a running header "Title          2023年第4期"), not two column lines.
        let starts = &mut self.starts;
        starts.clear();
        starts.extend(segs.iter().filter(|s| s.x0 >= gutter).map(|s| s.x0));
        starts.sort_by(f32::total_cmp);
        let edge = starts.get(starts.len() / 4).copied().unwrap_or(gutter);
        let spread = |row: &[Segment]| {
            row.len() > 1
                && row.iter().any(|s| s.x1 <= gutter)
                && row
                    .iter()
                    .any(|s| s.x0 >= gutter && s.x0 > edge + 4.0 * s.size.max(1.0))
        };
        let mut first = 0;
        while first < segs.len() {
            let key = segs[first].key;
            let mut end = first + 1;
            while end < segs.len() && segs[end].key == key {
                end += 1;
            }
            if spread(&segs[first..end]) {
                flush(left, right, order, lines);
                let start = order.len();
                order.extend(first..end);
                lines.push((start, order.len()));
            } else {
                for (s, seg) in segs.iter().enumerate().take(end).skip(first) {
                    if seg.x1 <= gutter {
                        left.push(s);
                    } else if seg.x0 >= gutter {
                        right.push(s);
                    } else {
                        // Crossing the gutter: the segment ends the band.
                        flush(left, right, order, lines);
                        order.push(s);
                        lines.push((order.len() - 1, order.len()));
                    }
                }
            }
            first = end;
        }
        flush(left, right, order, lines);
    }
}

/// Clusters items into rows (same baseline), each sorted along the line: `items` is reordered
/// in place and `rows` gets each row's range of it.
fn rows(glyphs: &[Glyph], items: &mut [Item], rows: &mut Vec<(usize, usize)>) {
    items.sort_by(|a, b| a.key.total_cmp(&b.key).then(a.along.total_cmp(&b.along)));
    rows.clear();
    let mut row_key = f32::NAN;
    let mut row_size = 0f32;
    for (i, it) in items.iter().enumerate() {
        let size = glyphs[it.g].size.max(0.1);
        let tol = 0.4 * size.max(row_size).min(2.0 * size.min(row_size).max(0.1));
        if let Some(r) = rows.last_mut()
            && (it.key - row_key).abs() <= tol.max(0.5)
        {
            r.1 = i + 1;
            row_size = row_size.max(size);
        } else {
            rows.push((i, i + 1));
            row_key = it.key;
            row_size = size;
        }
    }
    for &(a, b) in rows.iter() {
        let row = &mut items[a..b];
        // Most rows already are in order (the stable sort would leave them as they are).
        if !row.is_sorted_by(|a, b| a.along.total_cmp(&b.along).is_le()) {
            row.sort_by(|a, b| a.along.total_cmp(&b.along));
        }
    }
}

fn text_of<'p>(page: &'p PageContent, g: &Glyph) -> &'p str {
    page.text.get(g.t0 as usize..g.t1 as usize).unwrap_or("")
}

/// Splits a row at wide gaps (column gutters, table cells) and drops overprinted duplicates:
/// the surviving items go to `kept`, the segments (ranges of `kept`) to `segs`.
// Out of line (one call a row): inlined into `Layout::lines`, the two measured 11 M instructions
// more on the corpus (callgrind), the compiler having less to keep in registers either way.
#[inline(never)]
fn split_row(page: &PageContent, row: &[Item], kept: &mut Vec<Item>, segs: &mut Vec<Segment>) {
    let glyphs = &page.glyphs;
    let mut seg = OpenSegment::new(kept.len());
    for &it in row {
        let g = &glyphs[it.g];
        let size = g.size.max(0.1);
        // Fake bold: the same glyph drawn again a hair's breadth away, among the last four kept.
        let mut dup = false;
        for p in kept[seg.start..].iter().rev().take(4) {
            // The positions first: they rule out nearly every pair without loading the glyph.
            if (p.along - it.along).abs() < 0.2 * size
                && (p.key - it.key).abs() < 0.2 * size
                && glyphs[p.g].t1 - glyphs[p.g].t0 == g.t1 - g.t0
                && glyphs[p.g].t0 != g.t0
                && same_text(page, p.g, it.g)
            {
                dup = true;
                break;
            }
            // The row is sorted along the line: once a kept item is 0.2 em behind, so are all
            // before it (false for NaN, which then looks further, as before).
            if it.along - p.along >= 0.2 * size {
                break;
            }
        }
        if dup {
            continue;
        }
        if kept.len() > seg.start && it.along - seg.x1 > 1.5 * size {
            segs.push(seg.close(kept.len()));
            seg = OpenSegment::new(kept.len());
        }
        seg.add(&it, g, kept.len() == seg.start);
        kept.push(it);
    }
    if kept.len() > seg.start {
        segs.push(seg.close(kept.len()));
    }
}

fn same_text(page: &PageContent, a: usize, b: usize) -> bool {
    let (ga, gb) = (&page.glyphs[a], &page.glyphs[b]);
    text_of(page, ga) == text_of(page, gb)
}

/// A segment being built by [`split_row`]: its extent and size are folded in as its items are
/// kept (in the order a fold over the finished segment would take them), which saves going over
/// its items again.
struct OpenSegment {
    start: usize,
    key: f32,
    x0: f32,
    /// The furthest item end so far (where a gap to the next item is measured from).
    x1: f32,
    size: f32,
}

impl OpenSegment {
    fn new(start: usize) -> Self {
        OpenSegment {
            start,
            key: 0.0,
            x0: f32::INFINITY,
            x1: f32::NEG_INFINITY,
            size: 0.0,
        }
    }

    /// Adds the item `it` (of glyph `g`), the `first` of the segment or not.
    fn add(&mut self, it: &Item, g: &Glyph, first: bool) {
        if first {
            self.key = it.key;
        }
        self.x0 = self.x0.min(it.along);
        self.x1 = self.x1.max(it.along + g.width);
        self.size = self.size.max(g.size);
    }

    /// The segment of `kept[start..end]`.
    fn close(self, end: usize) -> Segment {
        Segment {
            start: self.start,
            end,
            key: self.key,
            x0: self.x0,
            x1: self.x1,
            size: self.size,
        }
    }
}

/// Rows back together: consecutive segments of `list` on one row become one line (appended to
/// `order`, with its range in `lines`).
fn merge_rows(
    segs: &[Segment],
    list: impl Iterator<Item = usize>,
    order: &mut Vec<usize>,
    lines: &mut Vec<(usize, usize)>,
) {
    let mut last_key = f32::NAN;
    for s in list {
        order.push(s);
        let key = segs[s].key;
        if key == last_key
            && let Some(l) = lines.last_mut()
        {
            l.1 = order.len();
            continue;
        }
        last_key = key;
        lines.push((order.len() - 1, order.len()));
    }
}

/// Whether the gutter `x` of another page also splits this page: few segments cross it and at
/// least one row has text on both sides.
fn fits_gutter(segs: &[Segment], x: f32) -> Option<f32> {
    let crossing = segs.iter().filter(|s| s.x0 < x && s.x1 > x).count();
    if segs.len() < 4 || crossing * 10 > segs.len() {
        return None;
    }
    let mut lefts: Vec<f32> = segs.iter().filter(|s| s.x1 <= x).map(|s| s.key).collect();
    lefts.sort_by(f32::total_cmp);
    let side_by_side = segs.iter().filter(|s| s.x0 >= x).any(|r| {
        let i = lefts.partition_point(|&l| l <= r.key - 2.0);
        lefts.get(i).is_some_and(|&l| (l - r.key).abs() < 2.0)
    });
    side_by_side.then_some(x)
}

/// A vertical gutter x that splits the page into two text columns, if there clearly is one.
fn find_gutter(segs: &[Segment], page_width: f32) -> Option<f32> {
    if segs.len() < 8 || page_width.is_nan() || page_width <= 0.0 {
        return None;
    }
    let mut best: Option<(usize, usize, f32)> = None;
    let steps = 40;
    for k in 0..=steps {
        let x = page_width * (0.3 + 0.4 * k as f32 / steps as f32);
        let crossing = segs.iter().filter(|s| s.x0 < x && s.x1 > x).count();
        let left = segs.iter().filter(|s| s.x1 <= x).count();
        let right = segs.iter().filter(|s| s.x0 >= x).count();
        let balance = left.min(right);
        if best.is_none_or(|(c, b, _)| crossing < c || (crossing == c && balance > b)) {
            best = Some((crossing, balance, x));
        }
    }
    let (crossing, balance, x) = best?;
    if balance < 4 || crossing * 10 > segs.len() {
        return None;
    }
    // Both columns must run side by side for several rows, not be a header block over a body.
    // (Sorted keys and a binary search: a page of 100,000 rows must not take n² steps.)
    let mut lefts: Vec<f32> = segs.iter().filter(|s| s.x1 <= x).map(|s| s.key).collect();
    lefts.sort_by(f32::total_cmp);
    let near = |k: f32| {
        let i = lefts.partition_point(|&l| l <= k - 2.0);
        lefts.get(i).is_some_and(|&l| (l - k).abs() < 2.0)
    };
    let side_by_side = segs
        .iter()
        .filter(|s| s.x0 >= x)
        .filter(|r| near(r.key))
        .count();
    if side_by_side < 3 {
        return None;
    }
    // Narrow left "columns" are labels or line numbers, not text columns.
    let left_width = segs
        .iter()
        .filter(|s| s.x1 <= x)
        .map(|s| s.x1 - s.x0)
        .fold(0.0, f32::max);
    let right_width = segs
        .iter()
        .filter(|s| s.x0 >= x)
        .map(|s| s.x1 - s.x0)
        .fold(0.0, f32::max);
    if left_width < page_width * 0.2 || right_width < page_width * 0.2 {
        return None;
    }
    Some(x)
}

/// Joins the items of one line into a [`TextLine`].
fn make_line(
    page: &PageContent,
    items: &[Item],
    (dx, dy): (f32, f32),
    sizes: &mut Vec<(f32, usize)>,
) -> Option<TextLine> {
    let glyphs = &page.glyphs;
    // Room for every glyph's text and a space after each: the line's one allocation.
    let room = items
        .iter()
        .filter_map(|it| glyphs.get(it.g))
        .map(|g| (g.t1.saturating_sub(g.t0) as usize).saturating_add(1))
        .fold(0usize, usize::saturating_add);
    let mut text = String::with_capacity(room);
    let mut prev: Option<(Item, char)> = None;
    let mut pending_space = false;
    let mut bbox = LineBox::new((dx, dy));
    sizes.clear();
    for &it in items {
        let g = &glyphs[it.g];
        let t = text_of(page, g);
        let mut chars = t.chars();
        let Some(first) = chars.next() else {
            continue;
        };
        // Nearly every glyph is one character: then it is also the last, and the only one.
        let (last, n) = if chars.as_str().is_empty() {
            (first, 1)
        } else {
            (chars.next_back().unwrap_or(first), 2 + chars.count())
        };
        let is_space = t.bytes().all(|b| b == b' ');
        if is_space {
            // Decided when the next visible glyph shows whether the space opens a real gap: some
            // writers append a space byte to every glyph and then overprint it with the next one.
            pending_space = !text.is_empty();
        } else {
            if let Some((p, last)) = prev {
                let pg = &glyphs[p.g];
                let gap = it.along - (p.along + pg.width);
                let em = g.size.max(pg.size).max(0.1);
                let wide = gap > 0.25 * em && !(is_cjk_like(last) && is_cjk_like(first));
                if (pending_space && gap > 0.1 * em) || wide {
                    text.push(' ');
                }
            } else if pending_space {
                text.push(' ');
            }
            pending_space = false;
            text.push_str(t);
            prev = Some((it, last));
        }
        let s = g.size;
        match sizes.iter_mut().find(|(v, _)| (v - s).abs() < 0.25) {
            Some((_, c)) => *c += n,
            None => sizes.push((s, n)),
        }
        // Box in (along, key) space, mapped back to page space.
        let (k0, k1) = if g.vertical {
            (it.key - 0.5 * s, it.key + 0.5 * s)
        } else {
            (it.key - 0.85 * s, it.key + 0.2 * s)
        };
        bbox.add((it.along, it.along + g.width.max(0.0)), (k0, k1));
    }
    // Trimmed in place: most lines have nothing to trim.
    let kept = text.trim_end().len();
    text.truncate(kept);
    let lead = text.len() - text.trim_start().len();
    if lead > 0 {
        text.drain(..lead);
    }
    if text.is_empty() {
        return None;
    }
    let font_size = sizes
        .iter()
        .max_by_key(|(_, n)| *n)
        .map_or(0.0, |(s, _)| *s);
    Some(TextLine {
        text,
        bbox: bbox.rect(),
        font_size: (font_size * 100.0).round() / 100.0,
    })
}

/// Whether every value is finite and not zero (of either sign): its magnitude bits lie in
/// 1..=`f32::MAX`. One unsigned maximum over the four instead of eight tests and branches, once
/// per glyph.
#[inline]
fn all_finite_nonzero(v: [f32; 4]) -> bool {
    let worst = v
        .iter()
        .map(|x| (x.to_bits() & 0x7fff_ffff).wrapping_sub(1))
        .fold(0, u32::max);
    worst < f32::MAX.to_bits()
}

/// The page-space box of a line, grown glyph box by glyph box.
struct LineBox {
    /// The writing direction, and whether it is exactly horizontal.
    dir: (f32, f32),
    horizontal: bool,
    rect: Rect,
}

impl LineBox {
    fn new(dir: (f32, f32)) -> Self {
        LineBox {
            dir,
            horizontal: dir == (1.0, 0.0),
            rect: Rect {
                x0: f32::INFINITY,
                y0: f32::INFINITY,
                x1: f32::NEG_INFINITY,
                y1: f32::NEG_INFINITY,
            },
        }
    }

    /// Adds the box `along` × `key` (in the writing direction's space): its four corners, mapped
    /// back to page space.
    #[inline]
    fn add(&mut self, (a0, a1): (f32, f32), (k0, k1): (f32, f32)) {
        let r = &mut self.rect;
        // Horizontal text maps (a, k) to (a, k) itself: exactly so, zeros' signs included, when
        // every coordinate is finite and not zero; and then each corner's x is a0 or a1 and its
        // y k0 or k1, whose extremes are those of the two, NaN never arising.
        if self.horizontal && all_finite_nonzero([a0, a1, k0, k1]) {
            r.x0 = r.x0.min(a0.min(a1));
            r.x1 = r.x1.max(a0.max(a1));
            r.y0 = r.y0.min(k0.min(k1));
            r.y1 = r.y1.max(k0.max(k1));
            return;
        }
        let (dx, dy) = self.dir;
        for (a, k) in [(a0, k0), (a0, k1), (a1, k0), (a1, k1)] {
            let px = dx * a - dy * k;
            let py = dy * a + dx * k;
            r.x0 = r.x0.min(px);
            r.x1 = r.x1.max(px);
            r.y0 = r.y0.min(py);
            r.y1 = r.y1.max(py);
        }
    }

    fn rect(&self) -> Rect {
        self.rect
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adds a run of glyphs, each `w` wide, starting at (x, y).
    fn run(page: &mut PageContent, text: &str, x: f32, y: f32, size: f32, w: f32) {
        let mut x = x;
        for ch in text.chars() {
            let t0 = page.text.len() as u32;
            page.text.push(ch);
            let t1 = page.text.len() as u32;
            page.glyphs.push(Glyph {
                t0,
                t1,
                x,
                y,
                width: w,
                size,
                dx: 1.0,
                dy: 0.0,
                vertical: false,
            });
            x += w;
        }
    }

    fn texts(page: &PageContent, width: f32) -> Vec<String> {
        lines(page, width, &mut None)
            .into_iter()
            .map(|l| l.text)
            .collect()
    }

    #[test]
    fn spaces_only_at_gaps_and_never_between_cjk() {
        let mut p = PageContent::default();
        run(&mut p, "数据", 100.0, 100.0, 10.0, 10.0);
        run(&mut p, "治理", 125.0, 100.0, 10.0, 10.0);
        run(&mut p, "2021", 150.0, 100.0, 10.0, 5.0);
        run(&mut p, "ab", 100.0, 130.0, 10.0, 5.0);
        run(&mut p, "cd", 110.5, 130.0, 10.0, 5.0);
        run(&mut p, "ef", 124.0, 130.0, 10.0, 5.0);
        assert_eq!(texts(&p, 600.0), vec!["数据治理 2021", "abcd ef"]);
    }

    #[test]
    fn runs_out_of_order_and_fake_bold_are_reassembled() {
        let mut p = PageContent::default();
        run(&mut p, "世界", 120.0, 50.0, 10.0, 10.0);
        run(&mut p, "你好", 100.0, 50.3, 10.0, 10.0);
        // The same two glyphs again, 0.4 pt to the right: fake bold.
        run(&mut p, "你好", 100.4, 50.0, 10.0, 10.0);
        assert_eq!(texts(&p, 600.0), vec!["你好世界"]);
    }

    #[test]
    fn space_glyph_overprinted_by_next_glyph_is_dropped() {
        let mut p = PageContent::default();
        run(&mut p, "关 ", 100.0, 50.0, 10.0, 10.0);
        run(&mut p, "于 ", 110.0, 50.0, 10.0, 10.0);
        run(&mut p, "A B", 200.0, 50.0, 10.0, 5.0);
        assert_eq!(texts(&p, 600.0), vec!["关于 A B"]);
    }

    #[test]
    fn two_columns_read_left_then_right() {
        let mut p = PageContent::default();
        run(
            &mut p,
            "TITLE ACROSS BOTH COLUMNS OF THE PAGE HERE",
            50.0,
            40.0,
            12.0,
            12.0,
        );
        for i in 0..6 {
            let y = 100.0 + 14.0 * i as f32;
            run(&mut p, &format!("左栏第{i}行文字内容"), 50.0, y, 10.0, 10.0);
            run(
                &mut p,
                &format!("右栏第{i}行文字内容"),
                320.0,
                y,
                10.0,
                10.0,
            );
        }
        let t = texts(&p, 600.0);
        assert_eq!(t[0], "TITLE ACROSS BOTH COLUMNS OF THE PAGE HERE");
        assert!(t[1..7].iter().all(|l| l.starts_with('左')), "{t:?}");
        assert!(t[7..].iter().all(|l| l.starts_with('右')), "{t:?}");
    }

    /// A two-column page with justified CJK lines and a 2 em gutter (reportlab's default frames),
    /// under a running header whose two parts sit at the page's left and right margins.
    fn narrow_gutter_page(right_rows: usize) -> PageContent {
        let mut p = PageContent::default();
        run(&mut p, "数字政府建设动态", 81.0, 41.0, 10.5, 10.5);
        run(&mut p, "2023年第4期", 458.0, 41.0, 10.5, 10.5);
        for i in 0..10 {
            let y = 75.0 + 21.0 * i as f32;
            run(
                &mut p,
                &format!("左栏第{i}行文字内容左栏文字内容"),
                81.0,
                y,
                12.0,
                12.0,
            );
            if i < right_rows {
                run(
                    &mut p,
                    &format!("右栏第{i}行文字内容右栏文字内容"),
                    309.0,
                    y,
                    12.0,
                    12.0,
                );
            }
        }
        p
    }

    #[test]
    fn narrow_gutter_columns_and_a_spread_header() {
        let t = texts(&narrow_gutter_page(10), 595.0);
        assert_eq!(t[0], "数字政府建设动态 2023年第4期");
        assert!(t[1..11].iter().all(|l| l.starts_with('左')), "{t:?}");
        assert!(t[11..].iter().all(|l| l.starts_with('右')), "{t:?}");
    }

    #[test]
    fn a_sparse_page_uses_the_gutter_of_the_pages_before() {
        let mut columns = None;
        let full = narrow_gutter_page(10);
        lines(&full, 595.0, &mut columns);
        assert!(columns.is_some());
        // One line in the right column: not enough to see the columns on this page alone.
        let sparse = narrow_gutter_page(1);
        let alone: Vec<String> = lines(&sparse, 595.0, &mut None)
            .into_iter()
            .map(|l| l.text)
            .collect();
        assert!(alone[1].contains('右'), "{alone:?}");
        let t: Vec<String> = lines(&sparse, 595.0, &mut columns)
            .into_iter()
            .map(|l| l.text)
            .collect();
        assert!(t[1..11].iter().all(|l| l.starts_with('左')), "{t:?}");
        assert!(t[11].starts_with('右'), "{t:?}");
    }

    #[test]
    fn many_two_column_rows_take_linear_time() {
        // 30,000 rows side by side: the gutter check used to compare every right segment with
        // every left one (9·10⁸ steps).
        let mut p = PageContent::default();
        for i in 0..30_000 {
            let y = 12.0 * i as f32;
            run(
                &mut p,
                "左栏文字内容左栏文字内容左栏文字内容",
                50.0,
                y,
                10.0,
                10.0,
            );
            run(
                &mut p,
                "右栏文字内容右栏文字内容右栏文字内容",
                330.0,
                y,
                10.0,
                10.0,
            );
        }
        let start = std::time::Instant::now();
        let t = texts(&p, 612.0);
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(t.len(), 60_000);
        assert!(t[..30_000].iter().all(|l| l.starts_with('左')));
    }

    #[test]
    fn single_column_rows_stay_whole() {
        let mut p = PageContent::default();
        for i in 0..10 {
            let y = 100.0 + 14.0 * i as f32;
            run(&mut p, "标题", 50.0, y, 10.0, 10.0);
            run(&mut p, "3", 500.0, y, 10.0, 5.0);
        }
        let t = texts(&p, 600.0);
        assert_eq!(t.len(), 10);
        assert!(t.iter().all(|l| l == "标题 3"), "{t:?}");
    }

    #[test]
    fn finite_nonzero_test_matches_the_float_one() {
        let vals = [
            0.0f32,
            -0.0,
            f32::MIN_POSITIVE,
            -f32::MIN_POSITIVE / 4.0,
            1.0,
            -3.5,
            f32::MAX,
            f32::MIN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
            -f32::NAN,
        ];
        for &a in &vals {
            for &b in &vals {
                let want = [a, b, 1.0, 2.0].iter().all(|v| v.is_finite() && *v != 0.0);
                assert_eq!(all_finite_nonzero([a, b, 1.0, 2.0]), want, "{a} {b}");
                assert_eq!(all_finite_nonzero([1.0, 2.0, b, a]), want, "{a} {b}");
            }
        }
    }

    #[test]
    fn horizontal_box_shortcut_gives_the_same_bits() {
        let vals = [
            -0.0f32,
            0.0,
            1.5,
            -2.25,
            1e30,
            -1e-30,
            f32::INFINITY,
            f32::NAN,
            300.0,
        ];
        for &a0 in &vals {
            for &w in &[0.0f32, 7.5, f32::INFINITY] {
                for &k0 in &vals {
                    for &h in &[0.0f32, 3.0] {
                        let boxes = [(a0, a0 + w), (k0 - h, k0 + 0.2 * h)];
                        let mut fast = LineBox::new((1.0, 0.0));
                        let mut slow = LineBox::new((1.0, 0.0));
                        slow.horizontal = false;
                        for b in [boxes, [(5.0, 9.0), (-1.0, 2.0)], [(-0.0, 0.0), (0.0, -0.0)]] {
                            fast.add(b[0], b[1]);
                            slow.add(b[0], b[1]);
                            let (f, s) = (fast.rect(), slow.rect());
                            let bits = |r: Rect| [r.x0, r.y0, r.x1, r.y1].map(f32::to_bits);
                            assert_eq!(bits(f), bits(s), "{b:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn vertical_columns_read_right_to_left() {
        let mut p = PageContent::default();
        for (col, s) in ["一二", "三四"].iter().enumerate() {
            let x = 500.0 - 20.0 * col as f32;
            for (k, ch) in s.chars().enumerate() {
                let t0 = p.text.len() as u32;
                p.text.push(ch);
                let t1 = p.text.len() as u32;
                let y = 100.0 + 10.0 * k as f32;
                p.glyphs.push(Glyph {
                    t0,
                    t1,
                    x,
                    y,
                    width: 10.0,
                    size: 10.0,
                    dx: 0.0,
                    dy: 1.0,
                    vertical: true,
                });
            }
        }
        assert_eq!(texts(&p, 600.0), vec!["一二", "三四"]);
    }
}
