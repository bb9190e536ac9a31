//! `$((…))`: shell arithmetic on 64-bit integers, as loops in tutorials use it
//! (`i=$((i+1))`, `$((RANDOM % 10))`): `+ - * / %`, unary `- + !`, comparisons,
//! `&& ||`, parentheses, numbers, and variable names (unset or empty is 0).

/// Why an expression could not be evaluated; printed as bash does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{expr}: {message} (error token is \"{token}\")")]
pub struct ArithError {
    pub expr: String,
    pub message: &'static str,
    pub token: String,
}

/// Evaluates `expr`; `var` gives a variable's value.
pub fn evaluate(expr: &str, var: &dyn Fn(&str) -> Option<String>) -> Result<i64, ArithError> {
    let mut p = Eval {
        src: expr.as_bytes(),
        pos: 0,
        var,
        expr,
    };
    let v = p.or()?;
    p.space();
    if p.pos < p.src.len() {
        return Err(p.error("syntax error in expression"));
    }
    Ok(v)
}

struct Eval<'a> {
    src: &'a [u8],
    pos: usize,
    var: &'a dyn Fn(&str) -> Option<String>,
    expr: &'a str,
}

impl Eval<'_> {
    fn error(&self, message: &'static str) -> ArithError {
        ArithError {
            expr: self.expr.trim().to_string(),
            message,
            token: String::from_utf8_lossy(&self.src[self.pos.min(self.src.len())..])
                .trim()
                .to_string(),
        }
    }

    fn space(&mut self) {
        while self.src.get(self.pos).is_some_and(u8::is_ascii_whitespace) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, op: &str) -> bool {
        self.space();
        if self.src[self.pos..].starts_with(op.as_bytes()) {
            self.pos += op.len();
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<i64, ArithError> {
        let mut v = self.and()?;
        while self.eat("||") {
            let r = self.and()?;
            v = i64::from(v != 0 || r != 0);
        }
        Ok(v)
    }

    fn and(&mut self) -> Result<i64, ArithError> {
        let mut v = self.compare()?;
        while self.eat("&&") {
            let r = self.compare()?;
            v = i64::from(v != 0 && r != 0);
        }
        Ok(v)
    }

    fn compare(&mut self) -> Result<i64, ArithError> {
        let mut v = self.sum()?;
        loop {
            let op = ["==", "!=", "<=", ">=", "<", ">"]
                .into_iter()
                .find(|op| self.eat(op));
            let Some(op) = op else {
                return Ok(v);
            };
            let r = self.sum()?;
            v = i64::from(match op {
                "==" => v == r,
                "!=" => v != r,
                "<=" => v <= r,
                ">=" => v >= r,
                "<" => v < r,
                _ => v > r,
            });
        }
    }

    fn sum(&mut self) -> Result<i64, ArithError> {
        let mut v = self.product()?;
        loop {
            if self.eat("+") {
                v = v.wrapping_add(self.product()?);
            } else if self.eat("-") {
                v = v.wrapping_sub(self.product()?);
            } else {
                return Ok(v);
            }
        }
    }

    fn product(&mut self) -> Result<i64, ArithError> {
        let mut v = self.unary()?;
        loop {
            let op = ["*", "/", "%"].into_iter().find(|op| self.eat(op));
            let Some(op) = op else {
                return Ok(v);
            };
            let at = self.pos;
            let r = self.unary()?;
            v = match op {
                "*" => v.wrapping_mul(r),
                _ if r == 0 => {
                    self.pos = at;
                    return Err(self.error("division by 0"));
                }
                "/" => v.wrapping_div(r),
                _ => v.wrapping_rem(r),
            };
        }
    }

    fn unary(&mut self) -> Result<i64, ArithError> {
        if self.eat("-") {
            return Ok(self.unary()?.wrapping_neg());
        }
        if self.eat("+") {
            return self.unary();
        }
        if self.eat("!") {
            return Ok(i64::from(self.unary()? == 0));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<i64, ArithError> {
        self.space();
        if self.eat("(") {
            let v = self.or()?;
            if !self.eat(")") {
                return Err(self.error("missing `)'"));
            }
            return Ok(v);
        }
        let start = self.pos;
        if self.src.get(self.pos) == Some(&b'$') {
            self.pos += 1;
        }
        let from = self.pos;
        while self
            .src
            .get(self.pos)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            self.pos += 1;
        }
        let word = String::from_utf8_lossy(&self.src[from..self.pos]).into_owned();
        if word.is_empty() {
            self.pos = start;
            return Err(self.error("syntax error: operand expected"));
        }
        if word.as_bytes()[0].is_ascii_digit() {
            return word.parse().map_err(|_| {
                self.pos = from;
                self.error("value too great for base")
            });
        }
        let value = (self.var)(&word).unwrap_or_default();
        let value = value.trim();
        if value.is_empty() {
            return Ok(0);
        }
        evaluate(value, self.var)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(e: &str) -> Result<i64, String> {
        let vars = |n: &str| match n {
            "i" => Some("41".to_string()),
            "e" => Some(String::new()),
            _ => None,
        };
        evaluate(e, &vars).map_err(|e| e.to_string())
    }

    #[test]
    fn arithmetic_follows_c_precedence_with_variables() {
        assert_eq!(eval("i+1"), Ok(42));
        assert_eq!(eval(" $i * 2 - (3 + 1) % 3 "), Ok(81));
        assert_eq!(eval("-7 / 2"), Ok(-3));
        assert_eq!(eval("i > 40 && !e"), Ok(1));
        assert_eq!(eval("unset + e"), Ok(0));
    }

    #[test]
    fn errors_read_like_bash() {
        assert_eq!(
            eval("1/0"),
            Err("1/0: division by 0 (error token is \"0\")".into())
        );
        assert!(eval("1 +").is_err_and(|e| e.contains("operand expected")));
    }
}
