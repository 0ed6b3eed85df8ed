//! Inline SVG for the HTML report: a small line chart per trend and the
//! connection graph on a circle.
//!
//! Everything is drawn with SVG presentation attributes (`fill`, `stroke`),
//! never `style` attributes or scripts, so the report's Content-Security-
//! Policy can forbid inline styles other than its one hashed stylesheet.
//! The layout is deterministic: the same graph gives the same picture.

use std::fmt::Write as _;

use crate::connections::{ConnectionGraph, EdgeKind};
use crate::html::escape;
use crate::model::{TrendSeries, TrendUnit};

const CHART_WIDTH: f64 = 300.0;
const CHART_HEIGHT: f64 = 110.0;
const CHART_LEFT: f64 = 46.0;
const CHART_RIGHT: f64 = 10.0;
const CHART_TOP: f64 = 22.0;
const CHART_BOTTOM: f64 = 20.0;
/// The graph shows at most this many sites (the best connected); the rest
/// are listed in the tables.
pub(crate) const GRAPH_MAX_NODES: usize = 120;

/// A line chart of one trend, values against runs.
pub(crate) fn trend_chart(series: &TrendSeries) -> String {
    let mut svg = String::new();
    let plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT;
    let plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM;
    let maximum = match series.unit {
        TrendUnit::Share => 1.0,
        TrendUnit::Count => series
            .points
            .iter()
            .map(|point| point.value)
            .fold(0.0_f64, f64::max)
            .max(1.0),
    };
    let value_text = |value: f64| match series.unit {
        TrendUnit::Share => format!("{:.0}%", value * 100.0),
        TrendUnit::Count if value.fract() == 0.0 => format!("{value:.0}"),
        TrendUnit::Count => format!("{value:.1}"),
    };
    let count = series.points.len();
    let x_of = |index: usize| {
        if count <= 1 {
            CHART_LEFT + plot_width / 2.0
        } else {
            CHART_LEFT + plot_width * index as f64 / (count - 1) as f64
        }
    };
    let y_of = |value: f64| CHART_TOP + plot_height * (1.0 - (value / maximum).clamp(0.0, 1.0));
    // Writing to a String cannot fail; results are ignored throughout.
    let _ = write!(
        svg,
        "<svg class=\"trend\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{CHART_WIDTH}\" height=\"{CHART_HEIGHT}\" \
         viewBox=\"0 0 {CHART_WIDTH} {CHART_HEIGHT}\" role=\"img\" aria-label=\"{}\">\
         <title>{}</title>\
         <text x=\"4\" y=\"14\" font-size=\"11\" fill=\"#222\">{}</text>",
        escape(&series.label),
        escape(&series.label),
        escape(&series.label)
    );
    let _ = write!(
        svg,
        "<line x1=\"{CHART_LEFT}\" y1=\"{top}\" x2=\"{CHART_LEFT}\" y2=\"{bottom}\" stroke=\"#999\"/>\
         <line x1=\"{CHART_LEFT}\" y1=\"{bottom}\" x2=\"{right}\" y2=\"{bottom}\" stroke=\"#999\"/>\
         <text x=\"{label_x}\" y=\"{top_label}\" font-size=\"9\" text-anchor=\"end\" fill=\"#555\">{maximum_text}</text>\
         <text x=\"{label_x}\" y=\"{bottom}\" font-size=\"9\" text-anchor=\"end\" fill=\"#555\">0</text>",
        top = CHART_TOP,
        bottom = CHART_TOP + plot_height,
        right = CHART_LEFT + plot_width,
        label_x = CHART_LEFT - 4.0,
        top_label = CHART_TOP + 8.0,
        maximum_text = escape(&value_text(maximum)),
    );
    if count == 0 {
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#777\">no runs measured it</text></svg>",
            CHART_LEFT + plot_width / 2.0,
            CHART_TOP + plot_height / 2.0
        );
        return svg;
    }
    let points: Vec<String> = series
        .points
        .iter()
        .enumerate()
        .map(|(index, point)| format!("{:.1},{:.1}", x_of(index), y_of(point.value)))
        .collect();
    if count > 1 {
        let _ = write!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#1f5f99\" stroke-width=\"2\"/>",
            points.join(" ")
        );
    }
    for (index, point) in series.points.iter().enumerate() {
        let _ = write!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#1f5f99\"><title>run {}: {}</title></circle>",
            x_of(index),
            y_of(point.value),
            point.run_id,
            escape(&value_text(point.value))
        );
    }
    let first = &series.points[0];
    let last = &series.points[count - 1];
    let _ = write!(
        svg,
        "<text x=\"{CHART_LEFT}\" y=\"{y}\" font-size=\"9\" fill=\"#555\">run {}</text>",
        first.run_id,
        y = CHART_HEIGHT - 6.0
    );
    if count > 1 {
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{y}\" font-size=\"9\" text-anchor=\"end\" fill=\"#555\">run {}</text>",
            CHART_LEFT + plot_width,
            last.run_id,
            y = CHART_HEIGHT - 6.0
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{}\" y=\"14\" font-size=\"11\" text-anchor=\"end\" fill=\"#1f5f99\">{}</text></svg>",
        CHART_WIDTH - CHART_RIGHT,
        escape(&value_text(last.value))
    );
    svg
}

/// The colour of an edge kind in the graph and its legend.
pub(crate) fn edge_colour(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::SameTemplate => "#1f77b4",
        EdgeKind::SharedTrackingIds => "#e07b00",
        EdgeKind::SameCompany => "#7b3fa0",
        EdgeKind::SharedContacts => "#2a9d3a",
        EdgeKind::CopiedAds => "#c62828",
    }
}

/// The connection graph: connected sites on a circle in id order, one
/// curve per edge (curved apart by kind so parallel edges stay visible),
/// arrows for directed edges, bold lines for same-operator pairs.
pub(crate) fn connection_graph(graph: &ConnectionGraph) -> String {
    let mut degree: std::collections::BTreeMap<&str, usize> = Default::default();
    for edge in &graph.edges {
        *degree.entry(edge.from.as_str()).or_default() += 1;
        *degree.entry(edge.to.as_str()).or_default() += 1;
    }
    let mut shown: Vec<&str> = degree.keys().copied().collect();
    if shown.len() > GRAPH_MAX_NODES {
        shown.sort_by(|left, right| degree[right].cmp(&degree[left]).then(left.cmp(right)));
        shown.truncate(GRAPH_MAX_NODES);
        shown.sort_unstable();
    }
    let count = shown.len();
    let radius = (90.0 + 14.0 * count as f64).min(420.0);
    let margin = 150.0;
    let size = 2.0 * (radius + margin);
    let centre = size / 2.0;
    let position = |site: &str| -> Option<(f64, f64)> {
        let index = shown.binary_search(&site).ok()?;
        let angle = std::f64::consts::TAU * index as f64 / count.max(1) as f64
            - std::f64::consts::FRAC_PI_2;
        Some((centre + radius * angle.cos(), centre + radius * angle.sin()))
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{size:.0}\" height=\"{size:.0}\" \
         viewBox=\"0 0 {size:.0} {size:.0}\" role=\"img\" aria-label=\"connections between sites\"><defs>"
    );
    for kind in EdgeKind::ALL {
        let _ = write!(
            svg,
            "<marker id=\"arrow-{kind}\" viewBox=\"0 0 10 10\" refX=\"18\" refY=\"5\" markerWidth=\"7\" \
             markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"{colour}\"/></marker>",
            kind = kind.as_str(),
            colour = edge_colour(kind)
        );
    }
    svg.push_str("</defs>");
    if count == 0 {
        let _ = write!(
            svg,
            "<text x=\"{centre}\" y=\"{centre}\" text-anchor=\"middle\" font-size=\"14\" fill=\"#555\">no connections found</text></svg>"
        );
        return svg;
    }
    for edge in &graph.edges {
        let (Some((x1, y1)), Some((x2, y2))) = (position(&edge.from), position(&edge.to)) else {
            continue;
        };
        let kind_index = EdgeKind::ALL
            .iter()
            .position(|kind| *kind == edge.kind)
            .unwrap_or(0) as f64;
        let (dx, dy) = (x2 - x1, y2 - y1);
        let length = (dx * dx + dy * dy).sqrt().max(1.0);
        let offset = (kind_index - 2.0) * 12.0;
        let control_x = (x1 + x2) / 2.0 - dy / length * offset;
        let control_y = (y1 + y2) / 2.0 + dx / length * offset;
        let same_operator = graph.same_operator_as(&edge.from, &edge.to);
        let width =
            1.0 + 3.0 * edge.strength.clamp(0.0, 1.0) + if same_operator { 1.5 } else { 0.0 };
        let _ = write!(
            svg,
            "<path d=\"M {x1:.1} {y1:.1} Q {control_x:.1} {control_y:.1} {x2:.1} {y2:.1}\" fill=\"none\" \
             stroke=\"{colour}\" stroke-width=\"{width:.1}\"{dash}{marker}><title>{title}</title></path>",
            colour = edge_colour(edge.kind),
            dash = if same_operator { "" } else { " stroke-opacity=\"0.8\"" },
            marker = if edge.directed {
                format!(" marker-end=\"url(#arrow-{})\"", edge.kind.as_str())
            } else {
                String::new()
            },
            title = escape(&format!(
                "{} – {}: {} ({:.2})",
                edge.from,
                edge.to,
                edge.kind.describe(),
                edge.strength
            )),
        );
    }
    for site in &shown {
        let Some((x, y)) = position(site) else {
            continue;
        };
        let name = graph
            .nodes
            .iter()
            .find(|node| node.site_id == *site)
            .map_or(String::new(), |node| node.name.clone());
        let anchor = if x < centre - 1.0 {
            "end"
        } else if x > centre + 1.0 {
            "start"
        } else {
            "middle"
        };
        let label_x = x + (x - centre) / radius * 12.0;
        let label_y = y + (y - centre) / radius * 12.0 + 4.0;
        let _ = write!(
            svg,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"7\" fill=\"#fff\" stroke=\"#333\" stroke-width=\"1.5\">\
             <title>{title}</title></circle>\
             <text x=\"{label_x:.1}\" y=\"{label_y:.1}\" font-size=\"11\" text-anchor=\"{anchor}\" fill=\"#222\">{label}</text>",
            title = escape(&format!("{site}: {name}")),
            label = escape(site),
        );
    }
    svg.push_str("</svg>");
    svg
}
