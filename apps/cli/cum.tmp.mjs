let last = process.cpuUsage(); let lastW = performance.now();
const out = [];
for (const m of process.argv.slice(2)) {
  await import(m);
  const c = process.cpuUsage(last); const w = performance.now();
  out.push([m, (c.user + c.system) / 1000, w - lastW]);
  last = process.cpuUsage(); lastW = w;
}
console.log(JSON.stringify(out));
