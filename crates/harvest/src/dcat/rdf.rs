//! A small triple collector over oxrdf, and serialisation to Turtle (oxttl), RDF/XML (oxrdfxml)
//! and JSON-LD (oxjsonld). No RDF is ever assembled from strings.

use oxrdf::vocab::{rdf, xsd};
use oxrdf::{BlankNode, Literal, NamedNode, NamedOrBlankNode, Term, Triple};

use crate::error::{Error, Result};

/// Namespaces used in our graphs, also written as prefixes.
pub const PREFIXES: &[(&str, &str)] = &[
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("dct", "http://purl.org/dc/terms/"),
    ("dcatap", "http://data.europa.eu/r5r/"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("vcard", "http://www.w3.org/2006/vcard/ns#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("spdx", "http://spdx.org/rdf/terms#"),
    ("hydra", "http://www.w3.org/ns/hydra/core#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("schema", "https://schema.org/"),
    ("gsp", "http://www.opengis.net/ont/geosparql#"),
];

/// An RDF serialisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RdfFormat {
    /// Turtle.
    Turtle,
    /// RDF/XML.
    RdfXml,
    /// JSON-LD.
    JsonLd,
}

impl RdfFormat {
    /// By file extension (`ttl`, `rdf`, `jsonld`).
    pub fn from_extension(ext: &str) -> Option<Self> {
        match ext {
            "ttl" => Some(Self::Turtle),
            "rdf" | "xml" => Some(Self::RdfXml),
            "jsonld" => Some(Self::JsonLd),
            _ => None,
        }
    }

    /// By media type (content negotiation).
    pub fn from_media_type(media: &str) -> Option<Self> {
        match media.split(';').next().unwrap_or_default().trim() {
            "text/turtle" | "application/x-turtle" => Some(Self::Turtle),
            "application/rdf+xml" => Some(Self::RdfXml),
            "application/ld+json" => Some(Self::JsonLd),
            _ => None,
        }
    }

    /// The media type served.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Turtle => "text/turtle; charset=utf-8",
            Self::RdfXml => "application/rdf+xml",
            Self::JsonLd => "application/ld+json",
        }
    }
}

/// A term in one of our namespaces: `ns("dcat", "Dataset")`.
pub fn ns(prefix: &str, local: &str) -> NamedNode {
    let base = PREFIXES
        .iter()
        .find(|(p, _)| *p == prefix)
        .map_or("urn:unknown:", |(_, iri)| iri);
    NamedNode::new_unchecked(format!("{base}{local}"))
}

/// Collected triples.
#[derive(Debug, Default)]
pub struct Graph {
    triples: Vec<Triple>,
}

impl Graph {
    /// An IRI built from our data (slugs, UUIDs, configured URLs), checked.
    pub fn iri(text: &str) -> Result<NamedNode> {
        NamedNode::new(text).map_err(|e| Error::Rdf {
            context: format!("making an IRI of {text}"),
            source: Box::new(e),
        })
    }

    /// A fresh blank node.
    pub fn blank() -> BlankNode {
        BlankNode::default()
    }

    /// Adds a triple.
    pub fn add(
        &mut self,
        s: impl Into<NamedOrBlankNode>,
        p: NamedNode,
        o: impl Into<Term>,
    ) -> &mut Self {
        self.triples.push(Triple::new(s, p, o));
        self
    }

    /// `s a class`.
    pub fn typed(&mut self, s: impl Into<NamedOrBlankNode>, class: NamedNode) -> &mut Self {
        self.add(s, rdf::TYPE.into_owned(), class)
    }

    /// A language-tagged text (`id`), skipped when blank.
    pub fn text(&mut self, s: impl Into<NamedOrBlankNode>, p: NamedNode, text: &str) -> &mut Self {
        if !text.trim().is_empty() {
            self.add(
                s,
                p,
                Literal::new_language_tagged_literal_unchecked(text, "id"),
            );
        }
        self
    }

    /// A plain string.
    pub fn string(
        &mut self,
        s: impl Into<NamedOrBlankNode>,
        p: NamedNode,
        text: &str,
    ) -> &mut Self {
        self.add(s, p, Literal::new_simple_literal(text))
    }

    /// A typed literal.
    pub fn typed_literal(
        &mut self,
        s: impl Into<NamedOrBlankNode>,
        p: NamedNode,
        value: &str,
        datatype: oxrdf::NamedNodeRef<'_>,
    ) -> &mut Self {
        self.add(s, p, Literal::new_typed_literal(value, datatype))
    }

    /// An `xsd:dateTime`.
    pub fn datetime(
        &mut self,
        s: impl Into<NamedOrBlankNode>,
        p: NamedNode,
        at: chrono::DateTime<chrono::Utc>,
    ) -> &mut Self {
        let text = at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        self.typed_literal(s, p, &text, xsd::DATE_TIME)
    }

    /// The graph serialised; triples are grouped by subject first (the streaming serialisers
    /// write one node per run of equal subjects).
    pub fn serialize(mut self, format: RdfFormat) -> Result<Vec<u8>> {
        // One key per triple (not two strings per comparison).
        self.triples.sort_by_cached_key(|t| {
            (
                t.subject.to_string(),
                t.predicate.as_str().to_owned(),
                t.object.to_string(),
            )
        });
        self.triples.dedup();
        let io = |e: std::io::Error| Error::Rdf {
            context: "serialising a graph".into(),
            source: Box::new(e),
        };
        let iri = |e: oxrdf::IriParseError| Error::Rdf {
            context: "declaring a prefix".into(),
            source: Box::new(e),
        };
        // The three serialisers share their shape but no trait: one macro writes each.
        macro_rules! write_with {
            ($serializer:expr, |$w:ident, $t:ident| $write:expr) => {{
                let mut s = $serializer;
                for (prefix, namespace) in PREFIXES {
                    s = s.with_prefix(*prefix, *namespace).map_err(iri)?;
                }
                let mut $w = s.for_writer(Vec::new());
                for $t in &self.triples {
                    $write.map_err(io)?;
                }
                $w.finish().map_err(io)
            }};
        }
        match format {
            RdfFormat::Turtle => {
                write_with!(oxttl::TurtleSerializer::new(), |w, t| w.serialize_triple(t))
            }
            RdfFormat::RdfXml => {
                write_with!(oxrdfxml::RdfXmlSerializer::new(), |w, t| w
                    .serialize_triple(t))
            }
            RdfFormat::JsonLd => write_with!(oxjsonld::JsonLdSerializer::new(), |w, t| w
                .serialize_quad(t.as_ref().in_graph(oxrdf::GraphNameRef::DefaultGraph))),
        }
    }
}
