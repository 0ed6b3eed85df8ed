//! The evidence graph written as JSON (with the movement counts), GraphML
//! (declared keys, so Gephi and yEd import every attribute with its type)
//! or Graphviz DOT.
//!
//! Node labels are whitelist names, which an analyst may have pasted from a
//! site; they are escaped for XML (and characters XML 1.0 cannot hold are
//! dropped) and for DOT's quoted strings. No pseudonym is ever written:
//! edges carry counts and capture ids.

use std::fmt::Write as _;
use std::path::Path;

use chrono::SecondsFormat;
use serde::Serialize;

use crate::connections::{ConnectionGraph, Edge};
use crate::model::ReportData;
use crate::movement::Movement;
use crate::output::write_atomically;
use crate::ReportError;

/// Version of the JSON and GraphML layout; bumped on any rename.
pub const CONNECTIONS_FORMAT_VERSION: u32 = 1;

/// The formats the graph can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionsFormat {
    Json,
    GraphMl,
    Dot,
}

impl ConnectionsFormat {
    /// The format an output path's extension asks for.
    pub fn from_path(path: &Path) -> Option<ConnectionsFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "json" => Some(ConnectionsFormat::Json),
            "graphml" => Some(ConnectionsFormat::GraphMl),
            "dot" | "gv" => Some(ConnectionsFormat::Dot),
            _ => None,
        }
    }
}

/// Writes the graph (and, in JSON, the movement counts) to `path`.
pub fn write_connections(
    data: &ReportData,
    graph: &ConnectionGraph,
    movement: &Movement,
    format: ConnectionsFormat,
    path: &Path,
) -> Result<(), ReportError> {
    let text = match format {
        ConnectionsFormat::Json => connections_json(data, graph, movement),
        ConnectionsFormat::GraphMl => graphml(data, graph),
        ConnectionsFormat::Dot => dot(graph),
    };
    write_atomically(path, text.as_bytes())
}

#[derive(Serialize)]
struct JsonDocument<'report> {
    format: &'static str,
    version: u32,
    generated_at: String,
    tool_version: &'report str,
    runs: Vec<u64>,
    #[serde(flatten)]
    graph: &'report ConnectionGraph,
    movement: &'report Movement,
}

/// The JSON document: nodes, edges, same-operator pairs and movement.
pub(crate) fn connections_json(
    data: &ReportData,
    graph: &ConnectionGraph,
    movement: &Movement,
) -> String {
    let document = JsonDocument {
        format: "cartograph-connections",
        version: CONNECTIONS_FORMAT_VERSION,
        generated_at: data.generated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        tool_version: &data.tool_version,
        runs: data.runs.iter().map(|run| run.id).collect(),
        graph,
        movement,
    };
    // Invariant: plain data always serializes.
    let mut text = serde_json::to_string_pretty(&document).expect("the graph serializes");
    text.push('\n');
    text
}

/// `(id, for, attr.name, attr.type)` of every GraphML key.
const GRAPHML_KEYS: &[(&str, &str, &str, &str)] = &[
    ("label", "node", "label", "string"),
    ("name", "node", "name", "string"),
    ("country", "node", "country", "string"),
    ("category", "node", "category", "string"),
    ("kind", "edge", "kind", "string"),
    ("weight", "edge", "weight", "double"),
    ("count", "edge", "count", "long"),
    ("same_operator", "edge", "same_operator", "boolean"),
    ("basis", "edge", "basis", "string"),
    ("shared_ids", "edge", "shared_ids", "string"),
    ("captures", "edge", "captures", "string"),
];

/// The GraphML document. Edges are undirected by default; a copied-ads
/// edge whose direction is known is `directed="true"`.
pub(crate) fn graphml(data: &ReportData, graph: &ConnectionGraph) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail; results are ignored throughout.
    let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(
        out,
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">"
    );
    let _ = writeln!(
        out,
        "  <!-- cartograph connections v{CONNECTIONS_FORMAT_VERSION}, generated {} -->",
        data.generated_at.to_rfc3339_opts(SecondsFormat::Secs, true)
    );
    for (id, domain, name, kind) in GRAPHML_KEYS {
        let _ = writeln!(
            out,
            "  <key id=\"{id}\" for=\"{domain}\" attr.name=\"{name}\" attr.type=\"{kind}\"/>"
        );
    }
    let _ = writeln!(
        out,
        "  <graph id=\"connections\" edgedefault=\"undirected\">"
    );
    for node in &graph.nodes {
        let _ = writeln!(out, "    <node id=\"{}\">", xml_escape(&node.site_id));
        write_data(&mut out, "label", &node.name);
        write_data(&mut out, "name", &node.name);
        write_data(&mut out, "country", &node.country);
        if let Some(category) = &node.category {
            write_data(&mut out, "category", category);
        }
        let _ = writeln!(out, "    </node>");
    }
    for (index, edge) in graph.edges.iter().enumerate() {
        let _ = writeln!(
            out,
            "    <edge id=\"e{index}\" source=\"{}\" target=\"{}\"{}>",
            xml_escape(&edge.from),
            xml_escape(&edge.to),
            if edge.directed {
                " directed=\"true\""
            } else {
                ""
            }
        );
        write_data(&mut out, "kind", edge.kind.as_str());
        write_data(&mut out, "weight", &format!("{:.4}", edge.strength));
        write_data(&mut out, "count", &edge.count.to_string());
        write_data(
            &mut out,
            "same_operator",
            if graph.same_operator_as(&edge.from, &edge.to) {
                "true"
            } else {
                "false"
            },
        );
        write_data(&mut out, "basis", &edge.basis);
        if !edge.shared_ids.is_empty() {
            write_data(&mut out, "shared_ids", &edge.shared_ids.join(" "));
        }
        write_data(&mut out, "captures", &captures_text(edge));
        let _ = writeln!(out, "    </edge>");
    }
    let _ = writeln!(out, "  </graph>\n</graphml>");
    out
}

fn write_data(out: &mut String, key: &str, value: &str) {
    let _ = writeln!(
        out,
        "      <data key=\"{key}\">{}</data>",
        xml_escape(value)
    );
}

fn captures_text(edge: &Edge) -> String {
    edge.capture_ids
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text escaped for XML content and attribute values; characters XML 1.0
/// cannot hold (most C0 controls, lone surrogates cannot occur in `str`)
/// are dropped.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(character),
            control if (control as u32) < 0x20 => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            other => escaped.push(other),
        }
    }
    escaped
}

/// The DOT document: a digraph in which undirected evidence has
/// `dir=none`; same-operator pairs are drawn bold.
pub(crate) fn dot(graph: &ConnectionGraph) -> String {
    let mut out = String::from("digraph connections {\n  graph [overlap=false, splines=true];\n  node [shape=box, style=rounded];\n");
    for node in &graph.nodes {
        let _ = writeln!(
            out,
            "  {} [label={}];",
            dot_string(&node.site_id),
            dot_string(&format!(
                "{}\n{} · {}",
                node.name, node.site_id, node.country
            ))
        );
    }
    for edge in &graph.edges {
        let same_operator = graph.same_operator_as(&edge.from, &edge.to);
        let _ = writeln!(
            out,
            "  {} -> {} [label={}, dir={}, penwidth={:.1}{}];",
            dot_string(&edge.from),
            dot_string(&edge.to),
            dot_string(&format!("{} {:.2}", edge.kind.as_str(), edge.strength)),
            if edge.directed { "forward" } else { "none" },
            1.0 + 3.0 * edge.strength.clamp(0.0, 1.0),
            if same_operator { ", style=bold" } else { "" }
        );
    }
    out.push_str("}\n");
    out
}

/// A DOT double-quoted string: quotes and backslashes escaped, line breaks
/// as `\n`, other control characters dropped.
pub(crate) fn dot_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for character in text.chars() {
        match character {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            control if control.is_control() => {}
            other => quoted.push(other),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped_and_controls_dropped() {
        let check = |input: &str, expected: &str| assert_eq!(xml_escape(input), expected);
        check(
            "<script>alert(1)</script>",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
        );
        check("a & \"b\" 'c'", "a &amp; &quot;b&quot; &apos;c&apos;");
        check("bell\u{7}tab\tline\n", "belltab\tline\n");
        check("Zürich", "Zürich");
    }

    #[test]
    fn dot_strings_are_quoted() {
        let check = |input: &str, expected: &str| assert_eq!(dot_string(input), expected);
        check("plain", "\"plain\"");
        check("a \"b\" \\ c", "\"a \\\"b\\\" \\\\ c\"");
        check("two\nlines\u{1}", "\"two\\nlines\"");
    }
}
