// The seed's string operations in JavaScript: exports example:stringoperations/operations@0.1.0,
// so it drops into consumer-app in place of the Rust provider.
export const operations = {
  reverse(s) {
    return [...s].reverse().join("");
  },
  wordCount(s) {
    return s.split(/\s+/).filter((word) => word.length > 0).length;
  },
};
