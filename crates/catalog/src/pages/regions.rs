//! Finding regions of the Kemendagri list by name, for the kode referensi pages.

use satudata_validation::Region;

use crate::Catalog;

/// A region found by name, with the names of the regions it lies in.
#[derive(Debug, Clone)]
pub struct RegionMatch {
    /// The region.
    pub region: Region,
    /// Names from provinsi down to its parent.
    pub path: Vec<String>,
}

impl Catalog {
    /// Regions whose name contains `q` (ignoring case), higher levels first, at most `limit`;
    /// empty when no region list is loaded.
    pub fn find_regions(&self, q: &str, limit: usize) -> Vec<RegionMatch> {
        let Some(reference) = self.regions() else {
            return Vec::new();
        };
        let wanted = q.trim().to_lowercase();
        if wanted.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<&Region> = reference
            .iter()
            .filter(|r| r.name.to_lowercase().contains(&wanted) || r.code == q.trim())
            .collect();
        found.sort_by(|a, b| (a.level, &a.code).cmp(&(b.level, &b.code)));
        found
            .into_iter()
            .take(limit)
            .map(|region| {
                let mut path = Vec::new();
                let mut parent = region.parent.clone();
                while let Some(code) = parent {
                    match reference.get(&code) {
                        Some(p) => {
                            path.push(p.name.clone());
                            parent = p.parent.clone();
                        }
                        None => break,
                    }
                }
                path.reverse();
                RegionMatch {
                    region: region.clone(),
                    path,
                }
            })
            .collect()
    }

    /// A region and the regions above it (provinsi first), when the list knows it.
    pub fn region_with_ancestors(&self, code: &str) -> Option<(Region, Vec<Region>, Vec<Region>)> {
        let reference = self.regions()?;
        let region = reference.get(code)?.clone();
        let mut ancestors = Vec::new();
        let mut parent = region.parent.clone();
        while let Some(c) = parent {
            let Some(p) = reference.get(&c) else { break };
            parent = p.parent.clone();
            ancestors.push(p.clone());
        }
        ancestors.reverse();
        let children = reference
            .children(Some(code))
            .into_iter()
            .cloned()
            .collect();
        Some((region, ancestors, children))
    }
}
