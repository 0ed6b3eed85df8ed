//! The site templates: one file per template under `templates/`, each a
//! [`SiteTemplate`] that decides the site's URL layout, its extraction
//! profile and its HTML. [`TemplateKind`] names them and is what a farm site
//! records; the views here are what a template is given to render a page.

mod classifieds;
mod escort_directory;
pub(crate) mod html;

use serde::{Deserialize, Serialize};

use crate::site::{FarmSite, Profile};
use crate::truth::AdTruth;
use crate::vocabulary::Language;

/// Which template a site is built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TemplateKind {
    /// Div cards (`article.ad`) under `/{city}/`, paginated with `?page=N`.
    EscortDirectory,
    /// Table rows (`tr.listing`) under `/listings/`, paginated with `/page/N/`.
    Classifieds,
}

impl TemplateKind {
    /// Every template, in the order sites cycle through them.
    pub const ALL: [TemplateKind; 2] = [TemplateKind::EscortDirectory, TemplateKind::Classifieds];

    /// Kebab-case name (`escort-directory`).
    pub fn as_str(self) -> &'static str {
        match self {
            TemplateKind::EscortDirectory => "escort-directory",
            TemplateKind::Classifieds => "classifieds",
        }
    }

    /// The site category (design's kebab-case list) sites of this template belong to.
    pub fn category(self) -> &'static str {
        match self {
            TemplateKind::EscortDirectory => "escort-directory",
            TemplateKind::Classifieds => "classifieds",
        }
    }

    pub(crate) fn definition(self) -> &'static dyn SiteTemplate {
        match self {
            TemplateKind::EscortDirectory => &escort_directory::EscortDirectory,
            TemplateKind::Classifieds => &classifieds::Classifieds,
        }
    }
}

/// What a template decides. Paths are path-and-query strings beginning with
/// `/`; `prefix` is the site's listing prefix from [`SiteTemplate::listing_prefix`].
pub(crate) trait SiteTemplate: Sync {
    /// Middle part of site ids (`dir` in `anna-dir-0`).
    fn id_infix(&self) -> &'static str;
    fn site_name(&self, stem: &str, city: &str, language: &Language) -> String;
    /// Path of the first listing page, under which all listing pages live.
    fn listing_prefix(&self, city_slug: &str) -> String;
    /// Path of listing page `page_number` (1-based).
    fn listing_page_path(&self, prefix: &str, page_number: usize) -> String;
    /// The robots-disallowed section inside the listing prefix.
    fn disallowed_section(&self, prefix: &str) -> String;
    /// The page inside [`SiteTemplate::disallowed_section`] that listing pages link to.
    fn disallowed_page_path(&self, prefix: &str) -> String;
    fn ad_path(&self, prefix: &str, ad_id: &str) -> String;
    /// Patterns covering the listing pages and the disallowed section, not ad pages.
    fn listing_patterns(&self, host: &str, prefix: &str) -> Vec<String>;
    fn profile(&self) -> Profile;
    fn render_listing(&self, view: &ListingView<'_>) -> String;
    fn render_ad(&self, view: &AdView<'_>) -> String;
    fn render_plain(&self, view: &PlainView<'_>) -> String;
}

/// What every page of a site shares.
#[derive(Debug)]
pub(crate) struct Frame<'site> {
    pub(crate) site: &'site FarmSite,
    pub(crate) language: &'static Language,
    /// Header navigation, in order: home, listing, disallowed section, about,
    /// post an ad, the off-site partner link.
    pub(crate) navigation: Vec<NavigationLink>,
    /// Year printed in the footer.
    pub(crate) year: i32,
}

#[derive(Debug)]
pub(crate) struct NavigationLink {
    pub(crate) href: String,
    pub(crate) label: String,
}

/// A listing page: allowed (paginated) or the robots-disallowed one.
#[derive(Debug)]
pub(crate) struct ListingView<'site> {
    pub(crate) frame: &'site Frame<'site>,
    pub(crate) heading: String,
    pub(crate) ads: Vec<&'site AdTruth>,
    /// 1-based position in `page_paths`.
    pub(crate) page_number: usize,
    /// Paths of the pages of this listing sequence, in order.
    pub(crate) page_paths: &'site [String],
}

impl ListingView<'_> {
    pub(crate) fn previous_path(&self) -> Option<&str> {
        self.page_number
            .checked_sub(2)
            .and_then(|previous_index| self.page_paths.get(previous_index))
            .map(String::as_str)
    }

    pub(crate) fn next_path(&self) -> Option<&str> {
        self.page_paths.get(self.page_number).map(String::as_str)
    }
}

/// An ad's detail page.
#[derive(Debug)]
pub(crate) struct AdView<'site> {
    pub(crate) frame: &'site Frame<'site>,
    pub(crate) ad: &'site AdTruth,
    /// The first listing page.
    pub(crate) listing_href: &'site str,
}

/// The pages around the listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PlainKind {
    Home,
    About,
    PostAd,
    NotFound,
}

#[derive(Debug)]
pub(crate) struct PlainView<'site> {
    pub(crate) frame: &'site Frame<'site>,
    pub(crate) kind: PlainKind,
    /// The first listing page.
    pub(crate) listing_href: &'site str,
}
