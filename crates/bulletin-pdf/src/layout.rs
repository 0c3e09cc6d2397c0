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

struct Segment {
    /// Items in order along the line.
    items: Vec<Item>,
    key: f32,
    x0: f32,
    x1: f32,
    /// Largest glyph size.
    size: f32,
}

/// Builds the page's lines from its glyphs.
///
/// `columns` carries the column gutter between the pages of a document: a page that clearly has
/// two columns sets it, and a page too sparse to show its columns by itself (the end of an
/// article running into the right column for one line) may use the one found before.
pub(crate) fn lines(
    page: &PageContent,
    page_width: f32,
    columns: &mut Option<f32>,
) -> Vec<TextLine> {
    let glyphs = &page.glyphs;
    if glyphs.is_empty() {
        return Vec::new();
    }
    // Group by writing direction (quantised), horizontal first.
    let mut groups: Vec<((i32, i32), Vec<usize>)> = Vec::new();
    for (i, g) in glyphs.iter().enumerate() {
        let q = ((g.dx * 20.0).round() as i32, (g.dy * 20.0).round() as i32);
        match groups.iter_mut().find(|(k, _)| *k == q) {
            Some((_, v)) => v.push(i),
            None => groups.push((q, vec![i])),
        }
    }
    groups.sort_by_key(|(k, v)| (*k != (20, 0), std::cmp::Reverse(v.len())));
    let mut out = Vec::new();
    for (q, idx) in groups {
        let horizontal = q == (20, 0);
        let (dx, dy) = {
            let (x, y) = (q.0 as f32, q.1 as f32);
            let l = (x * x + y * y).sqrt().max(1e-6);
            (x / l, y / l)
        };
        let mut items: Vec<Item> = idx
            .iter()
            .map(|&g| {
                let gl = &glyphs[g];
                Item {
                    g,
                    along: dx * gl.x + dy * gl.y,
                    key: dx * gl.y - dy * gl.x,
                }
            })
            .collect();
        let rows = rows(glyphs, &mut items);
        let mut segs: Vec<Segment> = Vec::new();
        for row in rows {
            split_row(page, row, &mut segs);
        }
        let ordered = if horizontal {
            order_columns(segs, page_width, columns)
        } else {
            merge_rows(segs)
        };
        for group in ordered {
            if let Some(line) = make_line(page, &group, (dx, dy)) {
                out.push(line);
            }
        }
    }
    out
}

/// Clusters items into rows (same baseline), each sorted along the line, fake-bold duplicates
/// removed.
fn rows(glyphs: &[Glyph], items: &mut [Item]) -> Vec<Vec<Item>> {
    items.sort_by(|a, b| a.key.total_cmp(&b.key).then(a.along.total_cmp(&b.along)));
    let mut rows: Vec<Vec<Item>> = Vec::new();
    let mut row_key = f32::NAN;
    let mut row_size = 0f32;
    for &it in items.iter() {
        let size = glyphs[it.g].size.max(0.1);
        let tol = 0.4 * size.max(row_size).min(2.0 * size.min(row_size).max(0.1));
        if !rows.is_empty() && (it.key - row_key).abs() <= tol.max(0.5) {
            if let Some(r) = rows.last_mut() {
                r.push(it);
            }
            row_size = row_size.max(size);
        } else {
            rows.push(vec![it]);
            row_key = it.key;
            row_size = size;
        }
    }
    for r in &mut rows {
        r.sort_by(|a, b| a.along.total_cmp(&b.along));
    }
    rows
}

fn text_of<'p>(page: &'p PageContent, g: &Glyph) -> &'p str {
    page.text.get(g.t0 as usize..g.t1 as usize).unwrap_or("")
}

/// Splits a row at wide gaps (column gutters, table cells) and drops overprinted duplicates.
fn split_row(page: &PageContent, row: Vec<Item>, segs: &mut Vec<Segment>) {
    let glyphs = &page.glyphs;
    let mut cur: Vec<Item> = Vec::new();
    let mut end = f32::NEG_INFINITY;
    for it in row {
        let g = &glyphs[it.g];
        let size = g.size.max(0.1);
        // Fake bold: the same glyph drawn again a hair's breadth away.
        let dup = cur.iter().rev().take(4).any(|p| {
            let pg = &glyphs[p.g];
            pg.t1 - pg.t0 == g.t1 - g.t0
                && (p.along - it.along).abs() < 0.2 * size
                && (p.key - it.key).abs() < 0.2 * size
                && pg.t0 != g.t0
                && same_text(page, p.g, it.g)
        });
        if dup {
            continue;
        }
        if !cur.is_empty() && it.along - end > 1.5 * size {
            segs.push(segment(glyphs, std::mem::take(&mut cur)));
            end = f32::NEG_INFINITY;
        }
        end = end.max(it.along + g.width);
        cur.push(it);
    }
    if !cur.is_empty() {
        segs.push(segment(glyphs, cur));
    }
}

fn same_text(page: &PageContent, a: usize, b: usize) -> bool {
    let (ga, gb) = (&page.glyphs[a], &page.glyphs[b]);
    text_of(page, ga) == text_of(page, gb)
}

fn segment(glyphs: &[Glyph], items: Vec<Item>) -> Segment {
    let key = items.first().map_or(0.0, |i| i.key);
    let x0 = items.iter().map(|i| i.along).fold(f32::INFINITY, f32::min);
    let x1 = items
        .iter()
        .map(|i| i.along + glyphs[i.g].width)
        .fold(f32::NEG_INFINITY, f32::max);
    let size = items.iter().map(|i| glyphs[i.g].size).fold(0.0, f32::max);
    Segment {
        items,
        key,
        x0,
        x1,
        size,
    }
}

/// Rows back together (segments of one row become one line).
fn merge_rows(segs: Vec<Segment>) -> Vec<Vec<Item>> {
    let mut out: Vec<Vec<Item>> = Vec::new();
    let mut last_key = f32::NAN;
    for s in segs {
        if s.key == last_key
            && let Some(l) = out.last_mut()
        {
            l.extend(s.items);
            continue;
        }
        last_key = s.key;
        out.push(s.items);
    }
    out
}

/// Reading order of horizontal segments: top to bottom, or column by column on two-column pages.
fn order_columns(segs: Vec<Segment>, page_width: f32, columns: &mut Option<f32>) -> Vec<Vec<Item>> {
    let gutter = match find_gutter(&segs, page_width) {
        Some(g) => {
            *columns = Some(g);
            g
        }
        None => match columns.and_then(|g| fits_gutter(&segs, g)) {
            Some(g) => g,
            None => return merge_rows(segs),
        },
    };
    // Bands between full-width segments: in each, the left column, then the right.
    let mut out: Vec<Vec<Item>> = Vec::new();
    let mut left: Vec<Segment> = Vec::new();
    let mut right: Vec<Segment> = Vec::new();
    let flush = |left: &mut Vec<Segment>, right: &mut Vec<Segment>, out: &mut Vec<Vec<Item>>| {
        out.extend(merge_rows(std::mem::take(left)));
        out.extend(merge_rows(std::mem::take(right)));
    };
    // Where the right column's lines start; a row whose right part starts far to the right of it
    // while its left part sits in the left column is a full-width line with a wide gap (a
    // running header "Title          2023年第4期"), not two column lines.
    let mut starts: Vec<f32> = segs
        .iter()
        .filter(|s| s.x0 >= gutter)
        .map(|s| s.x0)
        .collect();
    starts.sort_by(f32::total_cmp);
    let edge = starts.get(starts.len() / 4).copied().unwrap_or(gutter);
    let spread = |row: &[Segment]| {
        row.len() > 1
            && row.iter().any(|s| s.x1 <= gutter)
            && row
                .iter()
                .any(|s| s.x0 >= gutter && s.x0 > edge + 4.0 * s.size.max(1.0))
    };
    let mut segs = segs.into_iter().peekable();
    while let Some(first) = segs.next() {
        let mut row = vec![first];
        while let Some(s) = segs.next_if(|s| s.key == row[0].key) {
            row.push(s);
        }
        if spread(&row) {
            flush(&mut left, &mut right, &mut out);
            out.push(row.into_iter().flat_map(|s| s.items).collect());
            continue;
        }
        for s in row {
            place(s, gutter, &mut left, &mut right, &mut out, &flush);
        }
    }
    flush(&mut left, &mut right, &mut out);
    out
}

/// Puts a segment into the left or right column of the current band, or, when it crosses the
/// gutter, ends the band with it.
fn place(
    s: Segment,
    gutter: f32,
    left: &mut Vec<Segment>,
    right: &mut Vec<Segment>,
    out: &mut Vec<Vec<Item>>,
    flush: &impl Fn(&mut Vec<Segment>, &mut Vec<Segment>, &mut Vec<Vec<Item>>),
) {
    if s.x1 <= gutter {
        left.push(s);
    } else if s.x0 >= gutter {
        right.push(s);
    } else {
        flush(left, right, out);
        out.push(s.items);
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
fn make_line(page: &PageContent, items: &[Item], (dx, dy): (f32, f32)) -> Option<TextLine> {
    let glyphs = &page.glyphs;
    let mut text = String::new();
    let mut prev: Option<(Item, char)> = None;
    let mut pending_space = false;
    let (mut x0, mut y0, mut x1, mut y1) = (
        f32::INFINITY,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NEG_INFINITY,
    );
    let mut sizes: Vec<(f32, usize)> = Vec::new();
    for &it in items {
        let g = &glyphs[it.g];
        let t = text_of(page, g);
        let Some(first) = t.chars().next() else {
            continue;
        };
        let is_space = t.chars().all(|c| c == ' ');
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
            if let Some(c) = t.chars().last() {
                prev = Some((it, c));
            }
        }
        let s = g.size;
        match sizes.iter_mut().find(|(v, _)| (v - s).abs() < 0.25) {
            Some((_, n)) => *n += t.chars().count(),
            None => sizes.push((s, t.chars().count())),
        }
        // Box in (along, key) space, mapped back to page space.
        let (k0, k1) = if g.vertical {
            (it.key - 0.5 * s, it.key + 0.5 * s)
        } else {
            (it.key - 0.85 * s, it.key + 0.2 * s)
        };
        let (a0, a1) = (it.along, it.along + g.width.max(0.0));
        for (a, k) in [(a0, k0), (a0, k1), (a1, k0), (a1, k1)] {
            let px = dx * a - dy * k;
            let py = dy * a + dx * k;
            x0 = x0.min(px);
            x1 = x1.max(px);
            y0 = y0.min(py);
            y1 = y1.max(py);
        }
    }
    let text = text.trim().to_string();
    if text.is_empty() {
        return None;
    }
    let font_size = sizes
        .iter()
        .max_by_key(|(_, n)| *n)
        .map_or(0.0, |(s, _)| *s);
    Some(TextLine {
        text,
        bbox: Rect { x0, y0, x1, y1 },
        font_size: (font_size * 100.0).round() / 100.0,
    })
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
