//! `--edition YEAR`: the tutorials' two editions, whose programs differ.
//!
//! Each variant file declares its own `Edition` enum with the same two values (a copied file
//! stands alone); an example's `main.rs` takes the year from the command line as one of these
//! and maps it onto every variant's with [`editions!`](crate::editions).

/// "Async IO in Python: A Complete Walkthrough" (2018) or its rewrite, "Python's asyncio: A
/// Hands-On Walkthrough" (2025).
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Walkthrough {
    /// "Async IO in Python: A Complete Walkthrough"
    #[value(name = "2018")]
    Y2018,
    /// "Python's asyncio: A Hands-On Walkthrough"
    #[value(name = "2025")]
    Y2025,
}

/// "Speed Up Your Python Program With Concurrency", in its 2019 or its 2024 edition.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concurrency {
    /// the first edition
    #[value(name = "2019")]
    Y2019,
    /// the revised edition
    #[value(name = "2024")]
    Y2024,
}

/// Maps an edition of the command line onto each variant's own `Edition` (whose values are
/// named the same): `walkthrough::editions!(Walkthrough: [Y2018, Y2025] => variants::sync, ...)`.
#[macro_export]
macro_rules! editions {
    ($edition:ident: $years:tt => $($($module:ident)::+),+ $(,)?) => {$(
        $crate::__edition_from!($edition, $years, $($module)::+);
    )+};
}

/// One `From` of [`editions!`]; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __edition_from {
    ($edition:ident, [$($year:ident),+], $($module:ident)::+) => {
        impl ::std::convert::From<$crate::edition::$edition> for $($module)::+::Edition {
            fn from(edition: $crate::edition::$edition) -> Self {
                match edition {
                    $($crate::edition::$edition::$year => Self::$year,)+
                }
            }
        }
    };
}
