/** Area under the ROC curve: the chance that a random positive scores above a random negative (ties 1/2). */
export function auc(scores: readonly number[], positive: readonly boolean[]): number {
  const ranked = scores.map((s, i) => ({ s, p: positive[i]! })).sort((a, b) => a.s - b.s);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < ranked.length; ) {
    let j = i;
    while (j < ranked.length && ranked[j]!.s === ranked[i]!.s) j++;
    const meanRank = (i + j + 1) / 2;
    for (let k = i; k < j; k++)
      if (ranked[k]!.p) {
        rankSum += meanRank;
        positives++;
      }
    i = j;
  }
  const negatives = ranked.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
