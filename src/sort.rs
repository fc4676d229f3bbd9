//! One stable sort for the whole engine. Each use of the standard library's sorts is compiled
//! anew for its element type and comparator, about 2.5 KB of wasm apiece (25 KB for the page,
//! measured with twiggy); this merge sort of positions takes its comparison as `dyn` and is
//! compiled once. The lists sorted here are short (profiles, codes, findings, issuers).

/// Sorts `items` stably by `key`.
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    let order = {
        let items: &[T] = items;
        stable_order(items.len(), &|a, b| match (items.get(a), items.get(b)) {
            (Some(a), Some(b)) => key(a) < key(b),
            _ => false,
        })
    };
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(
        order
            .into_iter()
            .filter_map(|i| slots.get_mut(i).and_then(Option::take)),
    );
}

/// Sorts `items` and removes repeats.
pub fn sort_dedup<T: Ord + Clone>(items: &mut Vec<T>) {
    sort_by_key(items, T::clone);
    items.dedup();
}

/// The positions `0..len` in stable sorted order, by a bottom-up merge sort.
fn stable_order(len: usize, less: &dyn Fn(usize, usize) -> bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    let mut merged: Vec<usize> = Vec::with_capacity(len);
    let mut width = 1;
    while width < len {
        merged.clear();
        for start in (0..len).step_by(2 * width) {
            let middle = (start + width).min(len);
            let end = (start + 2 * width).min(len);
            let mut left = order
                .get(start..middle)
                .unwrap_or_default()
                .iter()
                .peekable();
            let mut right = order.get(middle..end).unwrap_or_default().iter().peekable();
            while let (Some(&&l), Some(&&r)) = (left.peek(), right.peek()) {
                // Take from the right only when strictly less: equal keys keep their order.
                if less(r, l) {
                    merged.push(r);
                    right.next();
                } else {
                    merged.push(l);
                    left.next();
                }
            }
            merged.extend(left);
            merged.extend(right);
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_stable_sort() {
        let mut seed = 7u64;
        for len in 0..200 {
            let mut items: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    ((seed >> 59) as u8, i)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|item| item.0);
            sort_by_key(&mut items, |item| item.0);
            assert_eq!(items, expected, "length {len}");
        }
        let mut words = vec!["b", "a", "c", "a"];
        sort_dedup(&mut words);
        assert_eq!(words, ["a", "b", "c"]);
    }
}
