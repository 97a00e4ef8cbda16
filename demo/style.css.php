<?php
// Shared inline style of the demo pages (included, not served as a stylesheet: no extra request).
?>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; padding: 0 1em; }
  h1 { font-size: 1.5em; margin-bottom: .2em; }
  h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
  table { border-collapse: collapse; margin: .5em 0; }
  th, td { padding: .25em .8em; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
  th { background: #f4f4f4; font-weight: 600; }
  td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
  .big { font-size: 2.4em; font-weight: 700; }
  .muted { color: #777; font-size: .9em; }
  .bar { width: 24em; height: 1em; background: #e8f0e8; border: 1px solid #9b9; display: inline-block; vertical-align: middle; }
  .bar > span { display: block; height: 100%; background: #6a6; }
  .err { background: #fee; border: 1px solid #c66; padding: .6em 1em; }
  code { background: #f4f4f4; padding: 0 .25em; }
</style>
