import { ExpressionError, UndefinedValueError, evaluateExpression, isTemplate, renderTemplate, renderValue } from './index.js';

const NOW = '2013-09-08T16:19:12.123456+01:00';
const block = { block: { test: { child: 'awesome' } }, inner: 'test' };
const typed = { string: 'string', int: 1, float: 1.123, list: ['string', 1, 1.123], bool: true, map: { string: 'string', int: 1, float: 1.123 } };

function renderError(template: string, variables: Record<string, unknown> = {}): ExpressionError {
  try {
    renderTemplate(template, variables);
  } catch (err) {
    if (err instanceof ExpressionError) return err;
    throw err;
  }
  throw new Error(`expected '${template}' to fail`);
}

describe('renderTemplate', () => {
  const cases: Array<[string, string, Record<string, unknown>, string]> = [
    ['prints strings raw and numbers Java-style', '{{ string }} {{ int }} {{ float }} {{ bool }}', typed, 'string 1 1.123 true'],
    ['prints lists and maps as compact JSON', '{{ list }} {{ map }}', typed, '["string",1,1.123] {"string":"string","int":1,"float":1.123}'],
    ['prints null as nothing', '[{{ null }}]', {}, '[]'],
    ['keeps int and double apart', '{{ 10 / 4 }} {{ 10.0 / 4 }} {{ 1.0 }} {{ 2 * 1.5 }} {{ 7 % 3 }}', {}, '2 2.5 1.0 3.0 1'],
    ['prints big and small doubles like Java', '{{ 12345678.9 }} {{ 0.0001 }}', {}, '1.23456789E7 1.0E-4'],
    ['concatenates with ~', '{{ "apple" ~ "pear" ~ "banana" }}', {}, 'applepearbanana'],
    ['interpolates #{} in double quotes', '{{ "hello #{name}!" }}', { name: 'bob' }, 'hello bob!'],
    ['reads dynamic keys and subscripts', "{{ block[inner].child }} {{ block['test']['child'] }}", block, 'awesome awesome'],
    ['does not render variables recursively', '{{ third }}', { second: '{{first}}', third: '{{second}}' }, '{{second}}'],
    ['guards undefined values with is defined', '{{ list[3] is defined ? bla : null }}', typed, ''],
    ['supports is not defined', '{{ inner.bla is not defined ? block.test.child : null }}', block, 'awesome'],
    ['falls back with ?? on undefined attributes', '{{ block[missing].child ?? block[missing2].child ?? block[inner].child }}', block, 'awesome'],
    ['falls back with ?? on null', "{{ null ?? 'IS NULL' }}", {}, 'IS NULL'],
    ['keeps an empty map on the left of ??', "{{ block ?? 'UNDEFINED' }}", { block: {} }, '{}'],
    ['falls back with ??? on undefined only', "{{ null ??? 'IS NULL' }}|{{ undefined ??? 'UNDEF' }}", {}, '|UNDEF'],
    ['evaluates if/elseif/else', '{% if a > 1 %}big{% elseif a == 1 %}one{% else %}small{% endif %}', { a: 1 }, 'one'],
    ['loops with loop variables', '{% for x in [1,2,3] %}{{ loop.index }}{{ x }}{% if loop.last %}!{% endif %}{% endfor %}', {}, '011223!'],
    ['uses the for/else branch for empty lists', '{% for x in [] %}a{% else %}empty{% endfor %}', {}, 'empty'],
    ['iterates map entries', '{% for e in m %}{{ e.key }}={{ e.value }};{% endfor %}', { m: { a: 1, b: 2 } }, 'a=1;b=2;'],
    ['sets variables', '{% set x = 2 + 3 %}{{ x }}', {}, '5'],
    ['drops comments', 'a{# hidden #}b', {}, 'ab'],
    ['trims whitespace with -', '  {{- "a" -}}  \n b', {}, 'ab'],
    ['keeps raw blocks verbatim', 'See {% raw %}{{ var }}{% endraw %} and {%-  raw%}{{ v2 }}{%endraw -%}', {}, 'See {{ var }} and {{ v2 }}'],
    ['builds ranges', '{{ 1..3 }} {{ range(1, 5, 2) }}', {}, '[1,2,3] [1,3,5]'],
    ['tests membership', '{{ "a" in ["a","b"] }} {{ "c" not in ["a","b"] }} {{ [1,2] contains 2 }}', {}, 'true true true'],
    ['compares numbers across types', "{{ 1 == 1.0 }} {{ 'a' == 'a' and not false }} {{ 5 >= 5 }}", {}, 'true true true'],
    ['reads Java getters on lists and strings', '{{ list.size }} {{ "abc".length }} {{ "a,b".split(",") }}', { list: [1, 2] }, '2 3 ["a","b"]'],
    ['renders macros and filter blocks', "{% macro hi(name='w') %}hi {{ name }}{% endmacro %}{{ hi() }} {% filter upper %}abc{% endfilter %}", {}, 'hi w ABC'],
    ['renders blocks again with block()', '{% block "post" %} content {% endblock %}{{ block("post") }}', {}, ' content  content '],
    // Filters
    ['chunks lists', '{{ list | chunk(2) }}', { list: [1, 2, 3, 4, 5] }, '[[1,2],[3,4],[5]]'],
    ['formats dates with existingFormat', '{{ "July 24, 2001" | date("yyyy-MM-dd", existingFormat="MMMM dd, yyyy") }}', {}, '2001-07-24'],
    ['formats dates in a zone', "{{ d | date(format='iso', timeZone='Europe/Paris') }}", { d: NOW }, '2013-09-08T17:19:12.123456+02:00'],
    ['reads local date-times in the zone', '{{ "2013-09-08T17:19:12" | date(timeZone="Europe/Paris") }}', {}, '2013-09-08T17:19:12.000000+02:00'],
    ['reads dates at the start of the day', '{{ "2013-09-08" | date(timeZone="Europe/Paris") }}', {}, '2013-09-08T00:00:00.000000+02:00'],
    ['reads RFC 1123 dates', "{{ 'Tue, 08 Feb 2022 19:38:26 GMT' | date(existingFormat='rfc_1123_date_time', timeZone='Europe/Paris') }}", {}, '2022-02-08T20:38:26.000000+01:00'],
    ['adds to dates', '{{ d | dateAdd(-1, "DAYS", timeZone="Europe/Paris") }}', { d: NOW }, '2013-09-07T17:19:12.123456+02:00'],
    ['gives timestamps', "{{ d | timestamp }} {{ d | timestampNano }} {{ (d | timestamp) > (d | dateAdd(-1, 'DAYS') | timestamp) }}", { d: NOW }, '1378653552 1378653552123456000 true'],
    ['checks suffixes and prefixes', '{{ "Hello World" | endsWith("World") }} {{ "Hello" | startsWith("x") }}', {}, 'true false'],
    ['escapes quotes for shells', "{{ \"L'eau\" | escapeChar('single') }} {{ \"L'eau\" | escapeChar('shell') }}", {}, "L\\'eau L'\\''eau"],
    ['flattens one level', '{{ [1, [2, 3], 4] | flatten }}', {}, '[1,2,3,4]'],
    ['indents following lines', '{{ "a\nb" | indent(2) }}|{{ "s" | nindent(2) }}', {}, 'a\n  b|\n  s'],
    ['runs jq and returns every result', '{{ v | jq(".a[]") }} {{ [1, 2, 3] | jq(".[0]") | first }}', { v: { a: [1, 2] } }, '[1,2] 1'],
    ['runs jq programs with pipes, select and map', "{{ v | jq('[.l[] | select(.a > 1) | .a]') | first }} {{ v | jq('.l | map(.a) | add') | first }}", { v: { l: [{ a: 1 }, { a: 2 }, { a: 3 }] } }, '[2,3] 6'],
    ['parses JSON strings before jq', "{{ s | jq('.value') | first }}", { s: '{"value":"x"}' }, 'x'],
    ['lists keys and values', '{{ l | keys }} {{ m | keys }} {{ m | values }}', { l: ['a', 'b'], m: { x: 1, y: 2 } }, '[0,1] ["x","y"] [1,2]'],
    ['replaces with a map', "{{ 'john doe is john doe' | replace({'john': 'jane'}) }}", {}, 'jane doe is jane doe'],
    ['replaces with regexps', "{{ 'a1b2' | replace({'(\\\\d)': '-$1-'}, regexp=true) }}", {}, 'a-1-b-2-'],
    ['slugifies', '{{ "Test\t\t\ntest*" | slugify }}', {}, 'test-test'],
    ['cuts around separators', "{{ 'a.b.c' | substringBefore('.') }} {{ 'a.b.c' | substringAfterLast('.') }}", {}, 'a c'],
    ['writes JSON', '{{ l | toJson }} {{ {"e":{}} | toJson }} {{ null | toJson }}', { l: ['a', 1, 1.5] }, '["a",1,1.5] {"e":{}} null'],
    ['writes YAML', '{{ "s" | yaml }}|{{ l | yaml }}', { l: ['a', 1] }, 's\n| - a\n - 1\n'],
    ['url-encodes like Java', "{{ 'Kestra rulez !' | urlencode }} {{ 'Kestra rulez !' | urlencode | urldecode }}", {}, 'Kestra+rulez+%21 Kestra rulez !'],
    ['applies string filters', "{{ 'hello world' | title }} {{ 'x' | upper }} {{ '  y ' | trim }} {{ 'abcdefgh' | abbreviate(5) }}", {}, 'Hello World X y ab...'],
    ['applies list filters', "{{ [3,1,2] | sort }} {{ ['b','a'] | join(',') }} {{ [1,1,2] | distinct }} {{ [1,2,3,4] | slice(1,3) }} {{ [1,2] | reverse }}", {}, '[1,2,3] b,a [1,2] [2,3] [2,1]'],
    ['converts numbers', "{{ '12' | number + 1 }} {{ '1.5' | number }} {{ 1.232654 | numberFormat('#.##') }} {{ -3 | abs }}", {}, '13 1.5 1.23 3'],
    ['applies default to undefined and empty values', "{{ missing | default('d') }} {{ '' | default('e') }}", {}, 'd e'],
    ['names Java classes', "{{ 1 | className }} {{ 1.5 | className }} {{ 'a' | className }}", {}, 'java.lang.Integer java.lang.Double java.lang.String'],
    // Functions
    ['renders recursively with render()', '{{ render(third) }} {{ render(m) }}', { first: '1', second: '{{first}}', third: '{{second}}', m: { t: '{{third}}' } }, '1 {"t":"1"}'],
    ['renders one layer with renderOnce()', '{{ renderOnce(input) }}', { input: '{{a}}', a: '{{b}}', b: 'x' }, '{{b}}'],
    ['parses JSON with fromJson()', "{{ fromJson('{\"t\": 1}').t }} {{ fromJson('{\"e\":{}}') }}", {}, '1 {"e":{}}'],
    ['parses YAML with yaml()', '{{ yaml(y).object.key }}', { y: 'object:\n  key: value\n' }, 'value'],
    ['computes min and max', '{{ max(1, 5, 3) }} {{ min([4, 2]) }}', {}, '5 2'],
  ];

  it.each(cases)('%s', (_name, template, variables, expected) => {
    expect(renderTemplate(template, variables)).toBe(expected);
  });

  it('uses the injected clock and time zone for now()', () => {
    const options = { now: () => new Date('2024-03-05T10:11:12.345Z') };
    expect(renderTemplate('{{ now() }}', {}, options)).toBe('2024-03-05T10:11:12.345Z');
    expect(renderTemplate("{{ now(format='iso_local_date', timeZone='Asia/Tokyo') }}", {}, options)).toBe('2024-03-05');
    expect(renderTemplate('{{ now() | date("HH:mm") }}', {}, { ...options, timeZone: 'Europe/Paris' })).toBe('11:11');
  });

  it('reads secrets, files and KV through the options', () => {
    const options = {
      secret: (key: string) => (key === 'TOKEN' ? 's3cr3t' : undefined),
      read: (path: string) => `content of ${path}`,
      kv: (key: string, namespace?: string) => `${namespace ?? 'default'}:${key}`,
    };
    expect(renderTemplate("{{ secret('TOKEN') }} {{ read('kestra://a.txt') }} {{ kv('k', 'ns') }}", {}, options)).toBe(
      's3cr3t content of kestra://a.txt ns:k',
    );
    expect(() => renderTemplate("{{ secret('NOPE') }}", {}, options)).toThrow(/Cannot find secret for key 'NOPE'/);
    expect(() => renderTemplate("{{ read('kestra://a.txt') }}", {})).toThrow(/no file reader/);
  });
});

describe('errors', () => {
  it('fails on an undefined variable, with its position', () => {
    const err = renderError('line1\n{{ ko }}');
    expect(err).toBeInstanceOf(UndefinedValueError);
    expect(err.message).toContain("Missing variable: 'ko'");
    expect([err.line, err.column]).toEqual([2, 4]);
  });

  it('fails on a missing attribute', () => {
    expect(renderError('{{ inner.bla }}', block)).toBeInstanceOf(UndefinedValueError);
  });

  it('fails when both sides of ?? are undefined', () => {
    expect(renderError('{{ missing ?? missing2 }}')).toBeInstanceOf(UndefinedValueError);
    expect(renderError('{{ missing is defined ? missing : missing2 }}')).toBeInstanceOf(UndefinedValueError);
  });

  it('reports syntax errors with line and column', () => {
    const err = renderError('{{ a + }}');
    expect(err.message).toContain('Unexpected end of expression');
    expect([err.line, err.column]).toEqual([1, 8]);
    expect(renderError('{{ get missing }}').message).toContain("Unexpected token 'missing'");
    expect(renderError('{% if x %}no end').message).toContain('endif');
    expect(renderError('{{ x ').message).toContain('Unclosed tag');
  });

  it('rejects unknown filters and functions and invalid arguments', () => {
    expect(renderError('{{ 1 | nope }}').message).toContain("Filter 'nope' does not exist");
    expect(renderError('{{ nope() }}').message).toContain("'nope' does not exist");
    expect(renderError("{{ 'Hello' | escapeChar('foo') }}")).toBeInstanceOf(ExpressionError);
    expect(renderError("{{ fromJson('{not: json}') }}")).toBeInstanceOf(ExpressionError);
    expect(renderError('{{ {not: json} | toJson }}')).toBeInstanceOf(ExpressionError);
  });

  it('stops render() cycles', () => {
    expect(renderError('{{ render(input) }}', { input: '{{ render(input) }}' }).message).toContain('Maximum render() nesting depth');
  });
});

describe('evaluateExpression', () => {
  it('returns typed values for a single expression', () => {
    expect(evaluateExpression('{{ x > 3 }}', { x: 5 })).toBe(true);
    expect(evaluateExpression('x * 2', { x: 2.5 })).toBe(5);
    expect(evaluateExpression('{{ [1, 1.0, "a"] }}', {})).toEqual([1, 1, 'a']);
    expect(evaluateExpression(' {{ m }} ', { m: { a: 1 } })).toEqual({ a: 1 });
  });

  it('renders text when the template mixes text and expressions', () => {
    expect(evaluateExpression('n={{ x }}', { x: 5 })).toBe('n=5');
  });
});

describe('renderValue', () => {
  it('renders strings, lists and maps deeply and leaves other values', () => {
    const value = { a: '{{ x }}', list: ['{{ x | upper }}', 1, true], nested: { '{{ k }}': '{{ x }}' }, n: null };
    expect(renderValue(value, { x: 'v', k: 'key' })).toEqual({ a: 'v', list: ['V', 1, true], nested: { key: 'v' }, n: null });
  });

  it('returns plain text unchanged', () => {
    expect(renderValue('no template here', {})).toBe('no template here');
  });
});

describe('isTemplate', () => {
  it('recognises expressions and tags', () => {
    expect(isTemplate('{{ x }}')).toBe(true);
    expect(isTemplate('{% if x %}{% endif %}')).toBe(true);
    expect(isTemplate('plain { text }')).toBe(false);
  });
});
