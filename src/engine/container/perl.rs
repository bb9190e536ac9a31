//! `perl` in the `perl` image, as far as tutorials use it: the kubernetes.io Job example
//! `perl -Mbignum=bpi -wle 'print bpi(2000)'` prints π to 2000 digits. The digits are
//! computed (Machin's formula in base-10⁹ fixed point), not stored. Any other script
//! says plainly that the playground's perl cannot run it.

use super::Ran;

/// The most digits `bpi(N)` computes here (the cost grows with N²).
const MAX_DIGITS: usize = 20_000;

/// How long `perl` works on `args` in virtual time: `bpi(2000)` takes about 10s, as the
/// kubernetes.io Jobs page says, growing with the square of the digits.
pub(super) fn cpu_ms(args: &[String]) -> i64 {
    let n = args
        .last()
        .and_then(|s| s.split("bpi(").nth(1))
        .and_then(|r| r.split(')').next())
        .and_then(|n| n.trim().parse::<i64>().ok())
        .unwrap_or(0)
        .min(MAX_DIGITS as i64);
    n * n / 400
}

/// Runs `perl ARGS…`.
pub(super) fn perl(args: &[String]) -> Ran {
    // The image's default, `perl -de0`, reads debugger commands from stdin; a container's
    // stdin is closed, so it ends at once.
    if args == ["-de0"] {
        return Ran::default();
    }
    // The script follows the first switch cluster ending in `e` (`-e`, `-le`, `-wle`).
    let script = args
        .iter()
        .position(|a| a.starts_with('-') && !a.starts_with("-M") && a.ends_with('e'))
        .and_then(|i| args.get(i + 1));
    let Some(script) = script else {
        return Ran::fail(
            "kubeplay: this perl runs only one-line scripts given with -e\n",
            2,
        );
    };
    let bignum = args.iter().any(|a| a.starts_with("-Mbignum"));
    let digits = script
        .trim()
        .trim_end_matches(';')
        .strip_prefix("print bpi(")
        .and_then(|r| r.trim_end().strip_suffix(')'))
        .and_then(|n| n.trim().parse::<usize>().ok());
    match digits {
        Some(n) if bignum && (1..=MAX_DIGITS).contains(&n) => Ran::ok(format!("{}\n", pi(n))),
        Some(_) if bignum => Ran::fail(
            format!("kubeplay: bpi(N) is computed here for N from 1 to {MAX_DIGITS}\n"),
            2,
        ),
        _ => Ran::fail(
            format!("kubeplay: this perl runs only `perl -Mbignum=bpi -wle 'print bpi(N)'`, not {script:?}\n"),
            2,
        ),
    }
}

const BASE: u64 = 1_000_000_000;

/// A fixed-point number: `limbs[0]` is the integer part, then base-10⁹ fraction limbs.
struct Fixed {
    limbs: Vec<u64>,
}

impl Fixed {
    fn zero(len: usize) -> Fixed {
        Fixed {
            limbs: vec![0; len],
        }
    }

    fn is_zero(&self) -> bool {
        self.limbs.iter().all(|l| *l == 0)
    }

    fn div(&mut self, d: u64) {
        let mut rem = 0u64;
        for l in &mut self.limbs {
            let cur = rem * BASE + *l;
            *l = cur / d;
            rem = cur % d;
        }
    }

    fn mul(&mut self, m: u64) {
        let mut carry = 0u64;
        for l in self.limbs.iter_mut().rev() {
            let cur = *l * m + carry;
            *l = cur % BASE;
            carry = cur / BASE;
        }
    }

    fn add(&mut self, o: &Fixed) {
        let mut carry = 0;
        for (a, b) in self.limbs.iter_mut().zip(&o.limbs).rev() {
            let cur = *a + *b + carry;
            *a = cur % BASE;
            carry = cur / BASE;
        }
    }

    fn sub(&mut self, o: &Fixed) {
        let mut borrow = 0;
        for (a, b) in self.limbs.iter_mut().zip(&o.limbs).rev() {
            let take = *b + borrow;
            if *a >= take {
                *a -= take;
                borrow = 0;
            } else {
                *a = *a + BASE - take;
                borrow = 1;
            }
        }
    }
}

/// arctan(1/x) = 1/x − 1/(3x³) + 1/(5x⁵) − …
fn arctan_inverse(x: u64, len: usize) -> Fixed {
    let mut sum = Fixed::zero(len);
    let mut power = Fixed::zero(len);
    power.limbs[0] = 1;
    power.div(x);
    let mut k = 1u64;
    let mut add = true;
    while !power.is_zero() {
        let mut term = Fixed {
            limbs: power.limbs.clone(),
        };
        term.div(k);
        if add {
            sum.add(&term);
        } else {
            sum.sub(&term);
        }
        power.div(x * x);
        k += 2;
        add = !add;
    }
    sum
}

/// π to `n` significant digits, rounded as `bpi(n)` prints it (`3.14…`).
fn pi(n: usize) -> String {
    let len = n / 9 + 3;
    let mut pi = arctan_inverse(5, len);
    pi.mul(4);
    pi.sub(&arctan_inverse(239, len));
    pi.mul(4);
    let mut digits: Vec<u8> = pi.limbs[0].to_string().bytes().map(|b| b - b'0').collect();
    for l in &pi.limbs[1..] {
        digits.extend(format!("{l:09}").bytes().map(|b| b - b'0'));
    }
    // Round to n significant digits (the guard limbs absorb the series' error).
    let round_up = digits.get(n).is_some_and(|d| *d >= 5);
    digits.truncate(n);
    if round_up {
        let mut i = digits.len();
        while i > 0 {
            i -= 1;
            if digits[i] == 9 {
                digits[i] = 0;
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let mut s = String::with_capacity(n + 1);
    for (i, d) in digits.iter().enumerate() {
        if i == 1 {
            s.push('.');
        }
        s.push((b'0' + d) as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pi_has_the_known_digits_and_rounds_the_last() {
        assert_eq!(pi(10), "3.141592654");
        assert_eq!(
            pi(50),
            "3.1415926535897932384626433832795028841971693993751"
        );
        let long = pi(2000);
        assert_eq!(long.len(), 2001);
        // Python's `decimal` (Machin, 2030 digits, rounded half-even to 2000) ends so.
        assert!(long.ends_with("904780275901"), "{}", &long[1985..]);
    }

    #[test]
    fn other_scripts_are_refused_plainly() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let r = perl(&args(&["-Mbignum=bpi", "-wle", "print bpi(5)"]));
        assert_eq!((r.stdout.as_str(), r.status), ("3.1416\n", 0));
        let r = perl(&args(&["-e", "print 1+1"]));
        assert_eq!(r.status, 2);
        assert!(r.stderr.starts_with("kubeplay: this perl runs only"));
    }
}
