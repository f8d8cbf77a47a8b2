//! Inline SVG charts, drawn without JavaScript: the step chart of a parameter's history and
//! the chart of a barème's tranches. Both are horizontal segments on a pair of axes.

use std::fmt::Write;

use chrono::{Datelike, NaiveDate};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 34.0;

/// Colours of the series, in order (the first is the stylesheet's blue).
const PALETTE: &[&str] = &[
    "#000091", "#b34000", "#18753c", "#6e445a", "#a558a0", "#0063cb",
];

/// One horizontal segment of a chart: `y` over `[x0, x1]`; the ends say whether the bound is
/// included (`Some(true)`: filled dot, `Some(false)`: hollow dot, `None`: no dot).
pub struct Segment {
    pub x0: f64,
    pub x1: f64,
    pub y: f64,
    pub closed0: Option<bool>,
    pub closed1: Option<bool>,
    pub series: usize,
}

pub struct Chart {
    /// Accessible description (`role="img"` + `<title>`).
    pub title: String,
    pub segments: Vec<Segment>,
    pub x_ticks: Vec<(f64, String)>,
    /// Joins consecutive segments of a series with vertical lines (a step function).
    pub connect: bool,
    /// Legend of each series, when there is more than one.
    pub legend: Vec<String>,
}

/// French decimal rendering of a chart label: two decimals unless the number is whole.
pub fn number(v: f64) -> String {
    let text = if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else if (v * 100.0 - (v * 100.0).round()).abs() < 1e-6 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    };
    text.replace('.', ",")
}

fn color(series: usize) -> &'static str {
    PALETTE
        .get(series % PALETTE.len())
        .copied()
        .unwrap_or("#000091")
}

impl Chart {
    pub fn render(&self) -> String {
        let finite = |v: &f64| v.is_finite();
        let xs: Vec<f64> = self
            .segments
            .iter()
            .flat_map(|s| [s.x0, s.x1])
            .filter(finite)
            .collect();
        let ys: Vec<f64> = self.segments.iter().map(|s| s.y).filter(finite).collect();
        let (Some(x_min), Some(x_max)) = (min(&xs), max(&xs)) else {
            return String::new();
        };
        let (Some(y_lo), Some(y_hi)) = (min(&ys), max(&ys)) else {
            return String::new();
        };
        // Values far from zero (the MTP: 945 to 1 288 €) would be a flat line from zero.
        let from_zero = y_lo >= 0.0 && y_lo <= 0.5 * y_hi;
        let low = if from_zero { 0.0 } else { y_lo };
        let step = nice_step((y_hi - low).max(y_hi.abs() * 0.05).max(1e-9) / 4.0);
        let y_min = if from_zero {
            0.0
        } else {
            (y_lo / step).floor() * step
        };
        let mut y_max = (y_hi / step).ceil() * step;
        if y_max - y_hi < step * 0.25 {
            y_max += step;
        }
        let levels = ((y_max - y_min) / step).round().clamp(1.0, 12.0) as u32;
        let x_span = (x_max - x_min).max(1e-9);
        let y_span = (y_max - y_min).max(1e-9);
        let px = |x: f64| LEFT + (x - x_min) / x_span * (WIDTH - LEFT - RIGHT);
        let py = |y: f64| TOP + (y_max - y) / y_span * (HEIGHT - TOP - BOTTOM);
        let legend_height = if self.legend.len() > 1 { 18.0 } else { 0.0 };
        let mut s = String::new();
        let _ = write!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {h}\" width=\"{WIDTH}\" \
             height=\"{h}\" role=\"img\" aria-label=\"{t}\"><title>{t}</title>",
            h = HEIGHT + legend_height,
            t = crate::html::esc(&self.title)
        );
        // Horizontal grid at round values, labelled.
        for i in 0..=levels {
            let y = y_min + step * f64::from(i);
            let _ = write!(
                s,
                "<line class=\"grille\" x1=\"{LEFT}\" x2=\"{x2:.1}\" y1=\"{y1:.1}\" y2=\"{y1:.1}\"/>\
                 <text x=\"{tx:.1}\" y=\"{ty:.1}\" text-anchor=\"end\">{v}</text>",
                x2 = WIDTH - RIGHT,
                y1 = py(y),
                tx = LEFT - 6.0,
                ty = py(y) + 4.0,
                v = number(y)
            );
        }
        let _ = write!(
            s,
            "<line class=\"axe\" x1=\"{LEFT}\" x2=\"{LEFT}\" y1=\"{TOP}\" y2=\"{b:.1}\"/>\
             <line class=\"axe\" x1=\"{LEFT}\" x2=\"{r:.1}\" y1=\"{b:.1}\" y2=\"{b:.1}\"/>",
            b = HEIGHT - BOTTOM,
            r = WIDTH - RIGHT
        );
        for (x, label) in &self.x_ticks {
            let _ = write!(
                s,
                "<line class=\"axe\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{b:.1}\" y2=\"{b2:.1}\"/>\
                 <text x=\"{x:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\">{l}</text>",
                x = px(*x),
                b = HEIGHT - BOTTOM,
                b2 = HEIGHT - BOTTOM + 4.0,
                ty = HEIGHT - BOTTOM + 17.0,
                l = crate::html::esc(label)
            );
        }
        let mut previous: Option<&Segment> = None;
        for seg in &self.segments {
            let c = color(seg.series);
            if self.connect {
                if let Some(p) =
                    previous.filter(|p| p.series == seg.series && (p.x1 - seg.x0).abs() < 1e-9)
                {
                    let _ = write!(
                        s,
                        "<line stroke=\"{c}\" stroke-width=\"1.2\" stroke-dasharray=\"3 2\" x1=\"{x:.1}\" \
                         x2=\"{x:.1}\" y1=\"{y1:.1}\" y2=\"{y2:.1}\"/>",
                        x = px(seg.x0),
                        y1 = py(p.y),
                        y2 = py(seg.y)
                    );
                }
            }
            let _ = write!(
                s,
                "<line class=\"marche\" stroke=\"{c}\" style=\"stroke:{c}\" x1=\"{x1:.1}\" x2=\"{x2:.1}\" \
                 y1=\"{y:.1}\" y2=\"{y:.1}\"/>",
                x1 = px(seg.x0),
                x2 = px(seg.x1),
                y = py(seg.y)
            );
            for (x, closed) in [(seg.x0, seg.closed0), (seg.x1, seg.closed1)] {
                if let Some(closed) = closed {
                    let fill = if closed { c } else { "#fff" };
                    let _ = write!(
                        s,
                        "<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"3.5\" fill=\"{fill}\" stroke=\"{c}\" \
                         stroke-width=\"1.5\"/>",
                        cx = px(x),
                        cy = py(seg.y)
                    );
                }
            }
            previous = Some(seg);
        }
        if self.legend.len() > 1 {
            let mut x = LEFT;
            for (i, label) in self.legend.iter().enumerate() {
                let _ = write!(
                    s,
                    "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"12\" height=\"4\" fill=\"{c}\"/>\
                     <text x=\"{tx:.1}\" y=\"{ty:.1}\">{l}</text>",
                    y = HEIGHT + 4.0,
                    c = color(i),
                    tx = x + 16.0,
                    ty = HEIGHT + 9.0,
                    l = crate::html::esc(label)
                );
                x += 28.0 + 7.0 * label.chars().count() as f64;
            }
        }
        s.push_str("</svg>");
        s
    }
}

/// A round tick spacing near `raw`: 1, 2, 2.5 or 5 times a power of ten.
fn nice_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.log10().floor());
    let fraction = raw / power;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 2.5 {
        2.5
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

fn min(v: &[f64]) -> Option<f64> {
    v.iter().copied().reduce(f64::min)
}

fn max(v: &[f64]) -> Option<f64> {
    v.iter().copied().reduce(f64::max)
}

/// A date as a chart abscissa: days since 1 January 1970.
pub fn day(date: NaiveDate) -> f64 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    (date - epoch).num_days() as f64
}

/// Year ticks between two dates, at most about eight of them.
pub fn year_ticks(from: NaiveDate, to: NaiveDate) -> Vec<(f64, String)> {
    let first = from.year() + 1;
    let last = to.year();
    let count = (last - first + 1).max(1);
    let step = ((count + 7) / 8).max(1);
    (first..=last)
        .filter(|y| (y - first) % step == 0)
        .filter_map(|y| NaiveDate::from_ymd_opt(y, 1, 1))
        .map(|d| (day(d), d.year().to_string()))
        .collect()
}

/// Ticks at the given amounts, labelled in French.
pub fn amount_ticks(values: &[f64]) -> Vec<(f64, String)> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    // Too many labels overlap: keep about eight, always the first and the last.
    let keep = v.len().div_ceil(8).max(1);
    let last = v.len().saturating_sub(1);
    v.iter()
        .enumerate()
        .filter(|(i, _)| i % keep == 0 || *i == last)
        .map(|(_, x)| (*x, number(*x)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_steps_are_round() {
        for (raw, step) in [
            (0.3, 0.5),
            (1.0, 1.0),
            (1.7, 2.0),
            (2.4, 2.5),
            (3.0, 5.0),
            (85.75, 100.0),
            (7.0, 10.0),
        ] {
            assert!(
                (nice_step(raw) - step).abs() < 1e-9,
                "{raw} → {}",
                nice_step(raw)
            );
        }
    }

    #[test]
    fn labels_are_french_numbers() {
        for (v, text) in [
            (1200.0, "1200"),
            (0.5, "0,50"),
            (1.615, "1,615"),
            (601.95, "601,95"),
        ] {
            assert_eq!(number(v), text);
        }
    }

    #[test]
    fn a_chart_without_finite_values_is_empty() {
        let chart = Chart {
            title: "vide".to_owned(),
            segments: Vec::new(),
            x_ticks: Vec::new(),
            connect: true,
            legend: Vec::new(),
        };
        assert_eq!(chart.render(), "");
    }
}
