//! A composition's bytes, assembled from the encoded skeleton's top-level sections with the
//! real components put back, and hashed from where they differ from the last composition; or
//! written straight to a file from those parts, unhashed.

use std::io::Write;

use sha2::{Digest, Sha256};

/// A composition as parts: the header, then each top-level section (a component put back is a
/// slice of the original, not yet a copy).
pub(super) struct Output<'a> {
    pub(super) header: &'a [u8],
    pub(super) sections: Vec<Section<'a>>,
}

/// One top-level section.
pub(super) struct Section<'a> {
    pub(super) id: u8,
    pub(super) data: &'a [u8],
    /// For a component put back: its key (its SHA-256 when it was hashed), which names its
    /// bytes without reading them.
    pub(super) original: Option<String>,
}

impl Section<'_> {
    /// The section's id and size, as they precede its data.
    fn head(&self) -> Vec<u8> {
        let mut head = vec![self.id];
        leb128(&mut head, self.data.len());
        head
    }

    fn key(&self) -> SectionKey {
        SectionKey {
            id: self.id,
            len: self.data.len(),
            content: match &self.original {
                Some(sha256) => Content::Original(sha256.clone()),
                None => Content::Bytes(self.data.to_vec()),
            },
        }
    }
}

/// What a section is, to tell whether the next composition starts with the same bytes.
#[derive(PartialEq, Eq)]
struct SectionKey {
    id: u8,
    len: usize,
    content: Content,
}

#[derive(PartialEq, Eq)]
enum Content {
    Original(String),
    Bytes(Vec<u8>),
}

/// The hasher after each section of the last composition. Rewiring leaves the sections that
/// define the components (megabytes) as they were and changes the small ones after them, so the
/// next composition resumes hashing where the two first differ.
#[derive(Default)]
pub(super) struct HashResume {
    header: Vec<u8>,
    keys: Vec<SectionKey>,
    /// The hasher after the header, then after each section.
    states: Vec<Sha256>,
}

impl Output<'_> {
    /// How many bytes the composition has.
    pub(super) fn size(&self) -> usize {
        self.header.len()
            + self
                .sections
                .iter()
                .map(|s| s.head().len() + s.data.len())
                .sum::<usize>()
    }

    /// The bytes, in one buffer sized up front (each component copied once), and their SHA-256,
    /// hashed from the first section that differs from the last composition's (`resume`, which
    /// is left holding this one's).
    pub(super) fn assemble(&self, resume: &mut HashResume) -> (Vec<u8>, String) {
        let keys: Vec<SectionKey> = self.sections.iter().map(Section::key).collect();
        let same = keys
            .iter()
            .zip(&resume.keys)
            .take_while(|(new, old)| new == old)
            .count();
        let mut states = match resume.states.get(..=same) {
            Some(kept) if resume.header == self.header => kept.to_vec(),
            _ => vec![Sha256::new_with_prefix(self.header)],
        };
        // Without kept states, every section is hashed.
        let same = states.len() - 1;
        let mut out = Vec::with_capacity(self.size());
        out.extend_from_slice(self.header);
        for (index, section) in self.sections.iter().enumerate() {
            let start = out.len();
            out.extend_from_slice(&section.head());
            out.extend_from_slice(section.data);
            if index >= same {
                let mut hasher = states.last().cloned().unwrap_or_default();
                hasher.update(&out[start..]);
                states.push(hasher);
            }
        }
        let sha256 = states.last().cloned().unwrap_or_default().finalize();
        *resume = HashResume {
            header: self.header.to_vec(),
            keys,
            states,
        };
        (out, hex::encode(sha256))
    }

    /// Writes the bytes to `out` from their parts, without assembling or hashing them: a
    /// component put back goes from its original straight to `out`.
    pub(super) fn write_to(&self, out: impl Write) -> std::io::Result<()> {
        // Small writes (the heads, the skeleton's sections) are buffered; a large one (a
        // component) passes through the buffer unbuffered.
        let mut out = std::io::BufWriter::with_capacity(64 << 10, out);
        out.write_all(self.header)?;
        for section in &self.sections {
            out.write_all(&section.head())?;
            out.write_all(section.data)?;
        }
        out.flush()
    }
}

/// Appends `value` as an unsigned LEB128 (a section's size).
fn leb128(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}
