//! The dataset page's chart, drawn on the server as an accessible SVG (title, description, and
//! the values as a table beside it): the geometry of horizontal bars and of a line, with "nice"
//! value ticks (steps of 1, 2, 2.5 or 5 × 10^k). The layout follows the prototype's reference
//! (`proto/make_contexts.py`: `chart_bars`, `chart_line`), extended to negative values.

use serde::Serialize;

use crate::filters::format_float;
use crate::lang::Lang;

/// Categories drawn at most.
pub(crate) const MAX_CATEGORIES: usize = 30;

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Line {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Grid {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    pub label: String,
    pub lx: f64,
    pub ly: f64,
    pub anchor: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Bar {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub label: String,
    pub lx: f64,
    pub ly: f64,
    pub value: String,
    pub vx: f64,
    pub vy: f64,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Point {
    pub cx: f64,
    pub cy: f64,
    pub label: String,
    pub value: String,
    pub lx: f64,
    pub ly: f64,
}

/// `chart.svg` of `_chart.html`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Svg {
    pub width: u32,
    pub height: u32,
    pub axis: Line,
    pub grid: Vec<Grid>,
    pub bars: Vec<Bar>,
    pub line: Option<String>,
    pub points: Vec<Point>,
}

/// Rounds to one decimal, as the viewBox coordinates are written.
fn r1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A number as the chart writes it (the `num` filter's rules).
pub(crate) fn number(lang: Lang, v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        #[expect(clippy::cast_possible_truncation, reason = "a whole number below 1e15")]
        return crate::filters::format_int(lang, v as i128, 0);
    }
    format_float(lang, v, None)
}

/// Ticks from `lo` (≤ 0) to `hi` (≥ 0) in "nice" steps, about `count` of them over the range.
fn nice_ticks(lo: f64, hi: f64, count: f64) -> Vec<f64> {
    let span = hi - lo;
    if span <= 0.0 || !span.is_finite() {
        return vec![0.0, 1.0];
    }
    let raw = span / count;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    let mut ticks = Vec::new();
    let mut i = first;
    while i <= last && ticks.len() < 50 {
        ticks.push(i * step);
        i += 1.0;
    }
    ticks
}

fn domain(values: &[f64]) -> (Vec<f64>, f64, f64) {
    let lo = values.iter().copied().fold(0.0_f64, f64::min);
    let hi = values.iter().copied().fold(0.0_f64, f64::max);
    let ticks = nice_ticks(lo, hi, 4.0);
    let lo = ticks.first().copied().unwrap_or(0.0);
    let hi = ticks.last().copied().unwrap_or(1.0);
    (ticks, lo, if hi > lo { hi } else { lo + 1.0 })
}

/// Horizontal bars, each category's label on its own line above its bar (readable at 360 px):
/// viewBox width 400, value ticks along the top, 40 units per category.
pub(crate) fn bars(lang: Lang, rows: &[(String, f64)]) -> Svg {
    const W: f64 = 400.0;
    const TOP: f64 = 24.0;
    const ROW: f64 = 40.0;
    const PAD_R: f64 = 56.0;
    let values: Vec<f64> = rows.iter().map(|r| r.1).collect();
    let (ticks, lo, hi) = domain(&values);
    let plot_w = W - PAD_R;
    let at = |v: f64| plot_w * (v - lo) / (hi - lo);
    #[expect(clippy::cast_precision_loss, reason = "at most 30 rows")]
    let height = TOP + ROW * rows.len() as f64 + 8.0;
    let last = ticks.len().saturating_sub(1);
    let grid = ticks
        .iter()
        .enumerate()
        .map(|(i, t)| Grid {
            x1: r1(at(*t)),
            y1: TOP - 6.0,
            x2: r1(at(*t)),
            y2: height - 4.0,
            label: number(lang, *t),
            lx: r1(at(*t)),
            ly: 14.0,
            anchor: if i == 0 {
                "start"
            } else if i == last {
                "end"
            } else {
                "middle"
            },
        })
        .collect();
    let zero = at(0.0);
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, (label, value))| {
            #[expect(clippy::cast_precision_loss, reason = "at most 30 rows")]
            let y0 = TOP + ROW * i as f64;
            let end = at(*value);
            let (x, w) = if end >= zero {
                (zero, end - zero)
            } else {
                (end, zero - end)
            };
            Bar {
                x: r1(x),
                y: y0 + 20.0,
                w: r1(w),
                h: 14.0,
                label: super::shorten(label, 48),
                lx: 0.0,
                ly: y0 + 14.0,
                value: number(lang, *value),
                vx: r1(x + w + 4.0),
                vy: y0 + 32.0,
            }
        })
        .collect();
    Svg {
        width: 400,
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "small"
        )]
        height: height as u32,
        axis: Line {
            x1: r1(zero),
            y1: TOP - 6.0,
            x2: r1(zero),
            y2: height - 4.0,
        },
        grid,
        bars,
        line: None,
        points: Vec::new(),
    }
}

/// A line over ordered x values: viewBox 400 × 240, the plot from x 48 to 368 and y 16 to 200
/// (room on the right for the last label, centred under its point), value ticks on the left,
/// at most 8 x labels under the axis.
pub(crate) fn line(lang: Lang, rows: &[(String, f64)]) -> Svg {
    const L: f64 = 48.0;
    const R: f64 = 368.0;
    const T: f64 = 16.0;
    const B: f64 = 200.0;
    let values: Vec<f64> = rows.iter().map(|r| r.1).collect();
    let (ticks, lo, hi) = domain(&values);
    let y_at = |v: f64| B - (B - T) * (v - lo) / (hi - lo);
    let n = rows.len();
    let every = n.div_ceil(8).max(1);
    let grid = ticks
        .iter()
        .map(|t| Grid {
            x1: L,
            y1: r1(y_at(*t)),
            x2: R,
            y2: r1(y_at(*t)),
            label: number(lang, *t),
            lx: L - 6.0,
            ly: r1(y_at(*t) + 4.0),
            anchor: "end",
        })
        .collect();
    let points: Vec<Point> = rows
        .iter()
        .enumerate()
        .map(|(i, (label, value))| {
            #[expect(clippy::cast_precision_loss, reason = "at most 30 points")]
            let x = if n > 1 {
                L + (R - L) * i as f64 / (n - 1) as f64
            } else {
                (L + R) / 2.0
            };
            Point {
                cx: r1(x),
                cy: r1(y_at(*value)),
                label: if i % every == 0 || i + 1 == n {
                    label.clone()
                } else {
                    String::new()
                },
                value: number(lang, *value),
                lx: r1(x),
                ly: 220.0,
            }
        })
        .collect();
    let path = points
        .iter()
        .map(|p| format!("{} {}", p.cx, p.cy))
        .collect::<Vec<_>>()
        .join(" L ");
    Svg {
        width: 400,
        height: 240,
        axis: Line {
            x1: L,
            y1: r1(y_at(lo.max(0.0).min(hi))),
            x2: R,
            y2: r1(y_at(lo.max(0.0).min(hi))),
        },
        grid,
        bars: Vec::new(),
        line: (!points.is_empty()).then(|| format!("M {path}")),
        points,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice() {
        assert_eq!(
            nice_ticks(0.0, 16182.0, 4.0),
            [0.0, 5000.0, 10000.0, 15000.0, 20000.0]
        );
        assert_eq!(nice_ticks(-3.0, 7.0, 4.0), [-5.0, -2.5, 0.0, 2.5, 5.0, 7.5]);
    }

    #[test]
    fn bars_fit() {
        let svg = bars(Lang::Id, &[("A".into(), 10.0), ("B".into(), 5.0)]);
        assert_eq!(svg.height, 24 + 80 + 8);
        assert!(svg.bars[0].w > svg.bars[1].w);
        assert_eq!(svg.grid[0].label, "0");
        let svg = line(Lang::Id, &[("2020".into(), 1.0), ("2021".into(), 2.5)]);
        assert!(svg.line.as_deref().is_some_and(|l| l.starts_with("M 48 ")));
    }
}
