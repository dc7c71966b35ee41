//! The enums that print as a name of their own (`Metric` as its JSON key,
//! `Rule` as its finding id) are declared from one list each: the variants,
//! the `ALL` list and the names come from the same lines, so no variant can
//! be left out of `ALL` or go unnamed.

/// Declares `pub enum $Enum` with `ALL`, a method `$name` returning each
/// variant's name, and `Display` and `Serialize` printing that name. With
/// `fn $spec -> $Spec`, each variant also carries a value of `$Spec` (written
/// after its name), so a table of properties reads one line a variant.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        pub enum $Enum:ident, fn $name:ident {
            $($variant:ident => $text:literal,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $Enum {
            $($variant,)*
        }

        impl $Enum {
            /// Every value, in the order of its declaration: the order
            /// tables and the documentation list them.
            pub const ALL: &'static [$Enum] = &[$($Enum::$variant,)*];

            /// Returns the name the value prints as (`success_rate`,
            /// `edited-after-approval`).
            pub fn $name(self) -> &'static str {
                match self {
                    $($Enum::$variant => $text,)*
                }
            }
        }

        impl ::std::fmt::Display for $Enum {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.$name())
            }
        }

        impl ::serde::Serialize for $Enum {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.$name())
            }
        }
    };
    (
        $(#[$meta:meta])*
        pub enum $Enum:ident, fn $name:ident, fn $spec:ident -> $Spec:ty {
            $($variant:ident => $text:literal $value:tt,)*
        }
    ) => {
        $crate::named::named_enum! {
            $(#[$meta])*
            pub enum $Enum, fn $name {
                $($variant => $text,)*
            }
        }

        impl $Enum {
            /// Returns the properties the declaration gives the value.
            fn $spec(self) -> $Spec {
                match self {
                    $($Enum::$variant => $value,)*
                }
            }
        }
    };
}
pub(crate) use named_enum;
