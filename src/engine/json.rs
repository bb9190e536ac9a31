//! JSON pointer lookups without allocation. `serde_json::Value::pointer` unescapes every
//! segment into a new `String`; the controllers look up fields of every pod on every
//! sync, so that showed up as the engine's hottest spot.

use serde_json::Value;

pub trait At {
    /// `value.at("/status/phase")`: the same answer as `Value::pointer`.
    fn at(&self, pointer: &str) -> Option<&Value>;
}

impl At for Value {
    fn at(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        if rest.contains('~') {
            return self.pointer(pointer);
        }
        let mut v = self;
        for segment in rest.split('/') {
            v = match v {
                Value::Object(m) => m.get(segment)?,
                Value::Array(a) => a.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(v)
    }
}

/// How Go's JSON decoder names the kind of a value it cannot store
/// (`json: cannot unmarshal string into …`).
pub fn unmarshal_kind(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        _ => "object",
    }
}

/// `serde_json::json!` with the same syntax, building the same `Value`, but through the two
/// out-of-line helpers below instead of inlining a `String` allocation and a
/// `to_value(..).unwrap()` at every key and leaf: the engine and kubectl build objects with
/// hundreds of these literals, and the inlined form was a large share of the wasm bundle.
/// The token muncher follows serde_json's `json_internal!` (its error-reporting rules left
/// out: a malformed literal still fails to compile, only with a plainer message).
#[macro_export]
macro_rules! json {
    (@array [$($elems:expr,)*]) => { ::std::vec![$($elems,)*] };
    (@array [$($elems:expr),*]) => { ::std::vec![$($elems),*] };
    (@array [$($elems:expr,)*] null $($rest:tt)*) => {
        $crate::json!(@array [$($elems,)* $crate::json!(null)] $($rest)*)
    };
    (@array [$($elems:expr,)*] true $($rest:tt)*) => {
        $crate::json!(@array [$($elems,)* $crate::json!(true)] $($rest)*)
    };
    (@array [$($elems:expr,)*] false $($rest:tt)*) => {
        $crate::json!(@array [$($elems,)* $crate::json!(false)] $($rest)*)
    };
    (@array [$($elems:expr,)*] [$($array:tt)*] $($rest:tt)*) => {
        $crate::json!(@array [$($elems,)* $crate::json!([$($array)*])] $($rest)*)
    };
    (@array [$($elems:expr,)*] {$($map:tt)*} $($rest:tt)*) => {
        $crate::json!(@array [$($elems,)* $crate::json!({$($map)*})] $($rest)*)
    };
    (@array [$($elems:expr,)*] $next:expr, $($rest:tt)*) => {
        $crate::json!(@array [$($elems,)* $crate::json!($next),] $($rest)*)
    };
    (@array [$($elems:expr,)*] $last:expr) => {
        $crate::json!(@array [$($elems,)* $crate::json!($last)])
    };
    (@array [$($elems:expr),*] , $($rest:tt)*) => { $crate::json!(@array [$($elems,)*] $($rest)*) };

    (@object $object:ident () () ()) => {};
    (@object $object:ident [$($key:tt)+] ($value:expr) , $($rest:tt)*) => {
        $crate::engine::json::insert(&mut $object, ($($key)+), $value);
        $crate::json!(@object $object () ($($rest)*) ($($rest)*));
    };
    (@object $object:ident [$($key:tt)+] ($value:expr)) => {
        $crate::engine::json::insert(&mut $object, ($($key)+), $value);
    };
    (@object $object:ident ($($key:tt)+) (: null $($rest:tt)*) $copy:tt) => {
        $crate::json!(@object $object [$($key)+] ($crate::json!(null)) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: true $($rest:tt)*) $copy:tt) => {
        $crate::json!(@object $object [$($key)+] ($crate::json!(true)) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: false $($rest:tt)*) $copy:tt) => {
        $crate::json!(@object $object [$($key)+] ($crate::json!(false)) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: [$($array:tt)*] $($rest:tt)*) $copy:tt) => {
        $crate::json!(@object $object [$($key)+] ($crate::json!([$($array)*])) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: {$($map:tt)*} $($rest:tt)*) $copy:tt) => {
        $crate::json!(@object $object [$($key)+] ($crate::json!({$($map)*})) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: $value:expr , $($rest:tt)*) $copy:tt) => {
        $crate::json!(@object $object [$($key)+] ($crate::json!($value)) , $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: $value:expr) $copy:tt) => {
        $crate::json!(@object $object [$($key)+] ($crate::json!($value)));
    };
    (@object $object:ident () (($key:expr) : $($rest:tt)*) $copy:tt) => {
        $crate::json!(@object $object ($key) (: $($rest)*) (: $($rest)*));
    };
    (@object $object:ident ($($key:tt)*) ($tt:tt $($rest:tt)*) $copy:tt) => {
        $crate::json!(@object $object ($($key)* $tt) ($($rest)*) ($($rest)*));
    };

    (null) => { ::serde_json::Value::Null };
    (true) => { ::serde_json::Value::Bool(true) };
    (false) => { ::serde_json::Value::Bool(false) };
    ([]) => { ::serde_json::Value::Array(::std::vec![]) };
    ([ $($tt:tt)+ ]) => { ::serde_json::Value::Array($crate::json!(@array [] $($tt)+)) };
    ({}) => { ::serde_json::Value::Object(::serde_json::Map::new()) };
    ({ $($tt:tt)+ }) => {
        ::serde_json::Value::Object({
            let mut object = ::serde_json::Map::new();
            $crate::json!(@object object () ($($tt)+) ($($tt)+));
            object
        })
    };
    ($other:expr) => { $crate::engine::json::to_value(&$other) };
}

/// `json!`'s leaf: what `serde_json::json!` inlines at every value.
#[inline(never)]
pub fn to_value<T: serde::Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

/// `json!`'s object entry: what `serde_json::json!` inlines at every key.
#[inline(never)]
pub fn insert(map: &mut serde_json::Map<String, Value>, key: impl Into<String>, value: Value) {
    map.insert(key.into(), value);
}

#[cfg(test)]
mod tests {
    use super::At;

    #[test]
    fn at_answers_like_json_pointer() {
        let v = json!({"a": {"b": [1, {"c": 2}], "x/y": 3, "t~": 4}});
        for p in [
            "", "/a", "/a/b/1/c", "/a/b/0", "/a/x~1y", "/a/t~0", "/a/b/9", "/nope", "a", "/a/b/c",
        ] {
            assert_eq!(v.at(p), v.pointer(p), "{p}");
        }
    }

    #[test]
    fn json_builds_what_serde_json_builds() {
        let name = String::from("web");
        let key = "dynamic";
        let n = 3u32;
        let opt: Option<&str> = None;
        let list = vec!["a", "b"];
        let ours = json!({
            "apiVersion": "v1", "name": name, "n": n, "neg": -2, "f": 1.5, "nan": f64::NAN,
            "t": true, "f2": false, "z": null, "opt": opt, "list": list, "e": [], "o": {},
            (key): [1, "x", null, true, {"deep": [[], {}]}, n + 1,], "dup": 1, "dup": 2,
        });
        let theirs = serde_json::json!({
            "apiVersion": "v1", "name": name, "n": n, "neg": -2, "f": 1.5, "nan": f64::NAN,
            "t": true, "f2": false, "z": null, "opt": opt, "list": list, "e": [], "o": {},
            (key): [1, "x", null, true, {"deep": [[], {}]}, n + 1,], "dup": 1, "dup": 2,
        });
        assert_eq!(ours, theirs);
        assert_eq!(json!("s"), serde_json::json!("s"));
        assert_eq!(json!([1, 2]), serde_json::json!([1, 2]));
    }
}
