/**
 * The dashboard's pages, routed by the URL's fragment (the server serves one page at `/`):
 *
 *   #/                                    projects and their tasks
 *   #/p/<project>/t/<task>                a task: its picture, description, params, triggers, versions, source,
 *                                         its executions, the start form (and, in local mode, rehearsal)
 *   #/p/<project>/t/<task>/e/<execution>  one execution played live: the picture lit, the moves in order, actions
 *
 * Everything shown comes from the API (./api.ts); the execution view is read through ./execution-view.ts only.
 * Live pages poll: an execution every second while it runs, a task's executions every two seconds.
 */
import { render } from 'preact';
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { TaskSummary } from '#service/tasks';
import { parseTask } from '#task/parse';
import { plotGraph } from '#task/plot-graph';
import type { Task } from '#task/schema';
import { ApiError, call, get, post, taskPath, type DashboardConfig } from './api.ts';
import { duration, LIGHTS, readExecutionList, readPlay, type ListedExecution, type Play, type PlayedItem } from './execution-view.ts';
import { layOut, type Picture as Laid } from './layout.ts';
import { workerEngine } from './layout-worker.ts';
import { fieldsOf, readForm, type Field } from './params-form.ts';
import { Picture } from './picture.tsx';

/** How often a running execution is asked again, and a task's executions. */
export const EXECUTION_POLL_MS = 1000;
export const LIST_POLL_MS = 2000;
const KNOWN_PROJECTS = 'mastermind.dashboard.projects';

type Route =
  | { page: 'home' }
  | { page: 'task'; project: string; task: string }
  | { page: 'execution'; project: string; task: string; execution: string };

export function routeOf(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map((p) => decodeURIComponent(p));
  if (parts[0] === 'p' && parts[2] === 't' && parts[1] && parts[3]) {
    if (parts[4] === 'e' && parts[5]) return { page: 'execution', project: parts[1], task: parts[3], execution: parts[5] };
    return { page: 'task', project: parts[1], task: parts[3] };
  }
  return { page: 'home' };
}

export function hrefOf(project: string, task?: string, execution?: string): string {
  const e = encodeURIComponent;
  return `#/p/${e(project)}${task ? `/t/${e(task)}` : ''}${execution ? `/e/${e(execution)}` : ''}`;
}

function useRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return routeOf(hash);
}

/** Runs `load` now and every `ms` while `live` says so; the latest value, or the error of the latest try. */
function usePoll<T>(load: () => Promise<T>, deps: unknown[], ms: number, live: (value: T) => boolean = () => true) {
  const [state, setState] = useState<{ value?: T; error?: Error }>({});
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const round = async () => {
      try {
        const value = await load();
        if (stopped) return;
        setState({ value });
        if (live(value)) timer = setTimeout(round, ms);
      } catch (error) {
        if (stopped) return;
        setState((s) => ({ ...s, error: error as Error }));
        timer = setTimeout(round, ms * 3);
      }
    };
    void round();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

function Problem({ error }: { error?: Error | undefined }) {
  if (!error) return null;
  const details = error instanceof ApiError ? error.details : [];
  return (
    <div class="problem" role="alert">
      <strong>{error instanceof ApiError && error.status ? `${error.status} ${error.error}: ` : ''}</strong>
      {error.message}
      {details.length > 0 && (
        <ul>
          {details.map((d, i) => (
            <li key={i}>
              <code>{d.place || '(document)'}</code> {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  return (
    <section id={id} class="card">
      <h2>{title}</h2>
      {children}
    </section>
  );
}

function when(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

// --- home: projects and tasks ---

function knownProjects(config: DashboardConfig): string[] {
  let saved: string[] = [];
  try {
    saved = JSON.parse(localStorage.getItem(KNOWN_PROJECTS) ?? '[]') as string[];
  } catch {
    saved = [];
  }
  return [...new Set([...config.projects, ...saved.filter((p) => typeof p === 'string')])];
}


function ProjectTasks({ project }: { project: string }) {
  const { value, error } = usePoll(() => get<{ items: TaskSummary[] }>(`/projects/${encodeURIComponent(project)}/tasks?limit=100`), [project], 5000);
  return (
    <Section title={`Project ${project}`}>
      <Problem error={error} />
      {value && value.items.length === 0 && <p class="muted">No tasks yet.</p>}
      {value && value.items.length > 0 && (
        <table class="tasks" data-project={project}>
          <thead>
            <tr>
              <th>task</th>
              <th>description</th>
              <th>version</th>
              <th>saved</th>
              <th>triggers</th>
            </tr>
          </thead>
          <tbody>
            {value.items.map((t) => (
              <tr key={t.task} data-task={t.task}>
                <td>
                  <a href={hrefOf(project, t.task)}>{t.task}</a>
                </td>
                <td>{t.description ?? ''}</td>
                <td>{t.version}</td>
                <td>
                  {t.updatedBy}, {when(t.updatedAt)}
                </td>
                <td>{[...t.alarms.map((a) => `alarm ${a}`), t.hook ? 'hook' : ''].filter(Boolean).join(', ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function Home({ config }: { config: DashboardConfig }) {
  const [projects, setProjects] = useState(() => knownProjects(config));
  const [name, setName] = useState('');
  // Every project the API lists (GET /projects, its first 100): an admin's route, so a caller granted one project
  // is refused it and keeps the names given to the server and opened here.
  const [listed, setListed] = useState<'yes' | 'no' | 'asking'>('asking');
  useEffect(() => {
    let live = true;
    get<{ items: { project: string }[] }>('/projects?limit=100').then(
      (page) => {
        if (!live) return;
        setProjects((known) => [...new Set([...page.items.map((p) => p.project), ...known])]);
        setListed('yes');
      },
      () => live && setListed('no'),
    );
    return () => {
      live = false;
    };
  }, []);
  const add = (event: Event) => {
    event.preventDefault();
    const project = name.trim();
    if (!/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/.test(project)) return;
    const next = [...new Set([...projects, project])];
    localStorage.setItem(KNOWN_PROJECTS, JSON.stringify(next.filter((p) => !config.projects.includes(p))));
    setProjects(next);
    setName('');
  };
  return (
    <div>
      {projects.length === 0 && <p class="muted">No project to show yet: open one by name.</p>}
      {projects.map((p) => (
        <ProjectTasks key={p} project={p} />
      ))}
      <form class="open-project" onSubmit={add}>
        <label>
          Open a project by name{' '}
          <input value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} placeholder="web" pattern="[a-z0-9][a-z0-9-]*" />
        </label>{' '}
        <button type="submit">open</button>
        {listed === 'no' && <span class="muted"> (the API did not list its projects to this caller; the names opened here are remembered in this browser)</span>}
      </form>
    </div>
  );
}

// --- a task ---

interface TaskView {
  project: string;
  task: string;
  version: number;
  currentVersion: number;
  format: 'yaml' | 'json';
  source: string;
  createdAt: string;
  createdBy: string;
  hook: boolean;
  hookActive: boolean;
  alarms: string[];
}

interface VersionSummary {
  version: number;
  createdAt: string;
  createdBy: string;
  status: string;
}

/** The task a stored source holds (it was validated when it was saved). */
export function taskOfSource(source: string, format: 'yaml' | 'json'): Task | undefined {
  const parsed = parseTask(source, { format });
  return parsed.errors.length === 0 ? (parsed.value as Task) : undefined;
}

/** The page's layout engine: elkjs in a Web Worker, started at the first picture. */
const layoutEngine = workerEngine();

function useTask(project: string, task: string, version?: number) {
  const [state, setState] = useState<{ view?: TaskView; parsed?: Task; picture?: Laid; error?: Error }>({});
  useEffect(() => {
    let stopped = false;
    // The picture shown stays until the next one is laid out (an execution's page asks again for its own version).
    (async () => {
      const view = await get<TaskView>(`${taskPath(project, task)}${version !== undefined ? `?version=${version}` : ''}`);
      const parsed = taskOfSource(view.source, view.format);
      if (!parsed) throw new Error('The stored source of this task could not be read.');
      if (stopped) return;
      setState({ view, parsed });
      const picture = await layOut(plotGraph(parsed), layoutEngine);
      if (!stopped) setState({ view, parsed, picture });
    })().catch((error: Error) => {
      if (!stopped) setState({ error });
    });
    return () => {
      stopped = true;
    };
  }, [project, task, version]);
  return state;
}

function ParamsTable({ task }: { task: Task }) {
  const fields = fieldsOf(task.params);
  if (fields.length === 0) return <p class="muted">No params.</p>;
  return (
    <table class="params">
      <thead>
        <tr>
          <th>param</th>
          <th>type</th>
          <th>default</th>
          <th>description</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((f) => (
          <tr key={f.name}>
            <td>
              <code>{f.name}</code>
            </td>
            <td>{f.choices ? `${f.type}, one of ${f.choices.map((c) => JSON.stringify(c)).join(', ')}` : f.type}</td>
            <td>{f.defaultText ?? <em>required</em>}</td>
            <td>{f.description ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ParamsFields({ fields, texts, problems, onChange, prefix }: { fields: Field[]; texts: Record<string, string>; problems: Readonly<Record<string, string>>; onChange: (name: string, text: string) => void; prefix: string }) {
  return (
    <div class="fields">
      {fields.length === 0 && <p class="muted">The task takes no params.</p>}
      {fields.map((f) => {
        const id = `${prefix}-${f.name}`;
        const text = texts[f.name] ?? '';
        const set = (e: Event) => onChange(f.name, (e.target as HTMLInputElement).value);
        const hint = f.defaultText !== undefined ? `default ${f.defaultText}` : 'required';
        let input;
        if (f.kind === 'boolean' || f.kind === 'choice') {
          const options = f.kind === 'boolean' ? ['true', 'false'] : (f.choices ?? []).map(String);
          input = (
            <select id={id} name={f.name} value={text} onChange={set}>
              <option value="">{f.defaultText !== undefined ? `(default: ${f.defaultText})` : '(choose)'}</option>
              {options.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          );
        } else if (f.kind === 'json') {
          input = <textarea id={id} name={f.name} value={text} onInput={set} placeholder={f.type === 'list' ? '["a", "b"]' : '{"key": "value"}'} rows={2} />;
        } else {
          input = <input id={id} name={f.name} value={text} onInput={set} inputMode={f.kind === 'number' ? 'decimal' : 'text'} placeholder={hint} />;
        }
        return (
          <div class={`field${problems[f.name] ? ' invalid' : ''}`} key={f.name} data-param={f.name}>
            <label for={id}>
              <code>{f.name}</code> <span class="muted">
                {f.type}, {hint}
              </span>
            </label>
            {input}
            {problems[f.name] && <span class="field-problem">{`${f.name} ${problems[f.name]}`}</span>}
          </div>
        );
      })}
    </div>
  );
}

function go(project: string, task: string, execution: string): void {
  location.hash = hrefOf(project, task, execution);
}

function StartForm({ project, task, parsed }: { project: string; task: string; parsed: Task }) {
  const fields = useMemo(() => fieldsOf(parsed.params), [parsed]);
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const reading = readForm(parsed.params, texts);
  const ok = Object.keys(reading.problems).length === 0;
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!ok) return;
    setBusy(true);
    setError(undefined);
    try {
      const started = await post<{ name: string }>(`${taskPath(project, task)}/executions`, { params: reading.params });
      go(project, task, started.name);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="start" onSubmit={submit} data-form="start">
      <ParamsFields prefix="start" fields={fields} texts={texts} problems={reading.problems} onChange={(n, t) => setTexts({ ...texts, [n]: t })} />
      <button type="submit" disabled={!ok || busy}>
        Start {task}
      </button>
      <Problem error={error} />
    </form>
  );
}

function RehearseForm({ project, task, parsed, scenarios }: { project: string; task: string; parsed: Task; scenarios: readonly { name: string; text: string }[] }) {
  const fields = useMemo(() => fieldsOf(parsed.params), [parsed]);
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [scenario, setScenario] = useState(scenarios[0]?.text ?? 'henchmen: {}\n');
  const [pace, setPace] = useState('600');
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const reading = readForm(parsed.params, texts);
  const ok = Object.keys(reading.problems).length === 0;
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!ok) return;
    setBusy(true);
    setError(undefined);
    try {
      const started = await post<{ name: string }>('/local/rehearsals', { project, task, scenario, params: reading.params, pace: Number(pace) });
      go(project, task, started.name);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="rehearse" onSubmit={submit} data-form="rehearse">
      <p class="muted">
        A rehearsal is an execution of this task whose provider calls are answered by the scenario (nothing real is touched), played at the
        pace chosen so that each move can be watched.
      </p>
      {scenarios.length > 1 && (
        <label>
          scenario{' '}
          <select onChange={(e) => setScenario(scenarios.find((s) => s.name === (e.target as HTMLSelectElement).value)?.text ?? scenario)}>
            {scenarios.map((s) => (
              <option key={s.name}>{s.name}</option>
            ))}
          </select>
        </label>
      )}
      <textarea class="scenario" name="scenario" rows={10} value={scenario} onInput={(e) => setScenario((e.target as HTMLTextAreaElement).value)} />
      <ParamsFields prefix="rehearse" fields={fields} texts={texts} problems={reading.problems} onChange={(n, t) => setTexts({ ...texts, [n]: t })} />
      <label>
        pace, ms per move{' '}
        <input name="pace" value={pace} onInput={(e) => setPace((e.target as HTMLInputElement).value)} inputMode="numeric" size={6} />
      </label>{' '}
      <button type="submit" disabled={!ok || busy}>
        Rehearse {task}
      </button>
      <Problem error={error} />
    </form>
  );
}

/** Who started each listed execution: from the list when it says, else from the execution itself (ended ones kept). */
function useStartedBy(project: string, task: string, items: readonly ListedExecution[] | undefined): Record<string, string> {
  const known = useRef<Record<string, string>>({});
  const [, setVersion] = useState(0);
  useEffect(() => {
    const wanted = (items ?? []).filter((i) => i.startedBy === undefined && known.current[i.name] === undefined).slice(0, 10);
    let stopped = false;
    for (const item of wanted) {
      get(`${taskPath(project, task)}/executions/${encodeURIComponent(item.name)}`)
        .then((view) => {
          if (stopped) return;
          known.current[item.name] = readPlay(view).startedBy;
          setVersion((v) => v + 1);
        })
        .catch(() => undefined);
    }
    return () => {
      stopped = true;
    };
  }, [project, task, items?.map((i) => i.name).join(',')]);
  return Object.fromEntries((items ?? []).map((i) => [i.name, i.startedBy ?? known.current[i.name] ?? '…']));
}

function Executions({ project, task }: { project: string; task: string }) {
  const { value, error } = usePoll(async () => readExecutionList(await get(`${taskPath(project, task)}/executions?limit=20`)), [project, task], LIST_POLL_MS);
  const by = useStartedBy(project, task, value?.items);
  return (
    <>
      <Problem error={error} />
      {value && value.items.length === 0 && <p class="muted">No execution yet.</p>}
      {value && value.items.length > 0 && (
        <table class="executions">
          <thead>
            <tr>
              <th>execution</th>
              <th>status</th>
              <th>started by</th>
              <th>started</th>
              <th>took</th>
            </tr>
          </thead>
          <tbody>
            {value.items.map((e) => (
              <tr key={e.name} data-execution={e.name} data-status={e.status}>
                <td>
                  <a href={hrefOf(project, task, e.name)}>{e.name}</a>
                </td>
                <td>
                  <span class={`status status-${e.status}`}>{e.status}</span>
                </td>
                <td>{by[e.name]}</td>
                <td>{when(e.startDate)}</td>
                <td>{duration(e.startDate, e.stopDate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function TaskPage({ project, task, config }: { project: string; task: string; config: DashboardConfig }) {
  const { view, parsed, picture, error } = useTask(project, task);
  const versions = usePoll(() => get<{ items: VersionSummary[] }>(`${taskPath(project, task)}/versions?limit=20`), [project, task], 10_000);
  const scenarios = config.scenarios[`${project}/${task}`] ?? [];
  return (
    <div class="task-page" data-task={task}>
      <h1>
        <a href="#/">{project}</a> / {task}
      </h1>
      <Problem error={error} />
      {parsed && <p class="description">{parsed.description ?? ''}</p>}
      <div class="columns">
        <Section title="Picture" id="picture">
          {picture ? <Picture picture={picture} /> : !error && <p class="muted">Laying out…</p>}
        </Section>
        <div class="side">
          {view && parsed && (
            <Section title="Task">
              <dl>
                <dt>version</dt>
                <dd>
                  {view.version} (saved by {view.createdBy}, {when(view.createdAt)})
                </dd>
                <dt>triggers</dt>
                <dd>
                  {[...view.alarms.map((a) => `alarm ${a}`), view.hook ? `hook (${view.hookActive ? 'active' : 'no token yet'})` : '', `when running: ${parsed.triggers?.whenRunning ?? 'skip'}`]
                    .filter(Boolean)
                    .join(', ')}
                </dd>
                <dt>rollback</dt>
                <dd>{parsed.rollback ? 'yes: an abort undoes the completed moves first' : 'no'}</dd>
                <dt>timeout</dt>
                <dd>{parsed.timeout ?? 'none'}</dd>
              </dl>
              <h3>Params</h3>
              <ParamsTable task={parsed} />
            </Section>
          )}
          {parsed && (
            <Section title="Start" id="start">
              <StartForm project={project} task={task} parsed={parsed} />
            </Section>
          )}
          {parsed && config.rehearsals && (
            <Section title="Rehearse" id="rehearse">
              <RehearseForm project={project} task={task} parsed={parsed} scenarios={scenarios} />
            </Section>
          )}
        </div>
      </div>
      <Section title="Executions" id="executions">
        <Executions project={project} task={task} />
      </Section>
      <Section title="Versions">
        <Problem error={versions.error} />
        {versions.value && (
          <table class="versions">
            <tbody>
              {versions.value.items.map((v) => (
                <tr key={v.version}>
                  <td>{v.version}</td>
                  <td>{v.createdBy}</td>
                  <td>{when(v.createdAt)}</td>
                  <td>{v.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      {view && (
        <Section title={`Source (${view.format})`}>
          <pre class="source">{view.source}</pre>
        </Section>
      )}
    </div>
  );
}

// --- an execution ---

function Json({ value, kind }: { value: unknown; kind?: string }) {
  return <pre class={kind ? `json ${kind}` : 'json'}>{JSON.stringify(value, null, 2)}</pre>;
}

/**
 * What a move or an item was handed, as the API shows it: references resolved, a secret as its reference text
 * (`${secret:/mastermind/web/ssh-key}`, never its value), a command apart from the values put into it.
 */
function Input({ input }: { input: unknown }) {
  return <Json value={input} kind="input" />;
}

/** A move's output with its long text (stdout, stderr) shown in full, apart from the rest. */
function Output({ output }: { output: unknown }) {
  const fields = typeof output === 'object' && output !== null && !Array.isArray(output) ? (output as Record<string, unknown>) : undefined;
  if (!fields) return <Json value={output} />;
  const { stdout, stderr, ...rest } = fields;
  return (
    <>
      <Json value={rest} />
      {typeof stdout === 'string' && stdout !== '' && (
        <>
          <h4>stdout</h4>
          <pre class="stdout">{stdout}</pre>
        </>
      )}
      {typeof stderr === 'string' && stderr !== '' && (
        <>
          <h4>stderr</h4>
          <pre class="stderr">{stderr}</pre>
        </>
      )}
    </>
  );
}

/** Retries and poll rounds of a move or an item, for a person. */
function attemptsText(play: { attempts: number; rounds?: number }): string {
  const parts: string[] = [];
  if (play.attempts > 1) parts.push(`${play.attempts - 1} retr${play.attempts === 2 ? 'y' : 'ies'}`);
  if (play.rounds !== undefined) parts.push(`${play.rounds} poll round${play.rounds === 1 ? '' : 's'}`);
  return parts.join(', ');
}

function Items({ items }: { items: readonly PlayedItem[] }) {
  return (
    <ol class="items" start={0}>
      {items.map((i) => (
        <li key={i.index} class={`item status-${i.status}`} data-index={i.index} data-status={i.status}>
          <code>{i.host ?? JSON.stringify(i.item ?? null)}</code> <span class={`status status-${i.status}`}>{i.status}</span>{' '}
          <span class="muted">{attemptsText(i)}</span>
          {i.status === 'waiting' && i.waitingFor !== undefined && <span class="muted"> waiting for {i.waitingFor}</span>}
          {i.error && <span class="move-error"> {`${i.error.error}${i.error.cause ? `: ${i.error.cause}` : ''}`}</span>}
          {i.input !== undefined && (
            <details class="item-input">
              <summary>input</summary>
              <Input input={i.input} />
            </details>
          )}
          {i.output !== undefined && <Output output={i.output} />}
        </li>
      ))}
    </ol>
  );
}

function Moves({ play }: { play: Play }) {
  if (play.moves.length === 0) return <p class="muted">No move yet.</p>;
  return (
    <ol class="moves">
      {play.moves.map((m, i) => (
        <li key={i} class={`move status-${m.status} phase-${m.phase}`} data-henchman={m.henchman} data-phase={m.phase} data-status={m.status}>
          <details open={m.status === 'failed'}>
            <summary>
              <span class="when">{m.start ? new Date(m.start).toLocaleTimeString() : ''}</span> <strong>{m.henchman}</strong>{' '}
              <span class="phase">{m.phase}</span> {m.action && <code>{m.action}</code>} <span class={`status status-${m.status}`}>{m.status}</span>{' '}
              <span class="muted">{attemptsText(m)}</span> {m.end && <span class="muted">{duration(m.start, m.end)}</span>}
              {m.status === 'waiting' && m.waitingFor !== undefined && <span class="muted waiting-for"> waiting for {m.waitingFor}</span>}
              {m.status === 'waiting' && m.pollAfter !== undefined && <span class="muted"> looks again in {m.pollAfter} s</span>}
              {m.error && (
                <span class="move-error">
                  {' '}
                  {m.error.error}
                  {m.error.cause ? `: ${m.error.cause}` : ''}
                </span>
              )}
            </summary>
            <div class="move-body">
              <p class="muted">state {m.state}</p>
              {m.input !== undefined && (
                <>
                  <h4>input</h4>
                  <Input input={m.input} />
                </>
              )}
              {m.output !== undefined && (
                <>
                  <h4>output</h4>
                  <Output output={m.output} />
                </>
              )}
              {m.items && (
                <>
                  <h4>items</h4>
                  <Items items={m.items} />
                </>
              )}
              {m.more && (
                <>
                  <h4>more</h4>
                  <Json value={m.more} />
                </>
              )}
              {m.error && (
                <>
                  <h4>error</h4>
                  <pre class="error-text">{`${m.error.error}${m.error.cause ? `\n${m.error.cause}` : ''}`}</pre>
                </>
              )}
            </div>
          </details>
        </li>
      ))}
    </ol>
  );
}

function Actions({ project, task, play, reload }: { project: string; task: string; play: Play; reload: () => void }) {
  const [error, setError] = useState<Error | undefined>();
  const [said, setSaid] = useState<string | undefined>();
  const path = `${taskPath(project, task)}/executions/${encodeURIComponent(play.name)}`;
  const act = useCallback(
    async (action: 'cancel' | 'stop' | 'resume') => {
      setError(undefined);
      setSaid(undefined);
      try {
        const answer = await post<{ message?: string; name?: string }>(`${path}/${action}`, {});
        if (action === 'resume' && answer.name) return go(project, task, answer.name);
        setSaid(answer.message ?? `${action}: done`);
        reload();
      } catch (e) {
        setError(e as Error);
      }
    },
    [path],
  );
  const ended = !play.running;
  return (
    <div class="actions">
      <button type="button" disabled={ended} onClick={() => act('cancel')} title="the abort route at the next move boundary, rollback included">
        Cancel
      </button>{' '}
      <button type="button" disabled={ended} onClick={() => act('stop')} title="the hard stop: nothing is undone">
        Stop
      </button>{' '}
      <button type="button" disabled={!['FAILED', 'TIMED_OUT', 'ABORTED'].includes(play.status)} onClick={() => act('resume')} title="a new execution from the failed move">
        Resume
      </button>
      {said && <p class="said">{said}</p>}
      <Problem error={error} />
    </div>
  );
}

function ExecutionPage({ project, task, execution }: { project: string; task: string; execution: string }) {
  const path = `${taskPath(project, task)}/executions/${encodeURIComponent(execution)}`;
  const [version, setVersion] = useState<number | undefined>();
  const { parsed, picture, error: taskError } = useTask(project, task, version);
  const polled = usePoll(() => get(path), [path], EXECUTION_POLL_MS, (view) => (view as { status?: string }).status === 'RUNNING');
  const play = polled.value !== undefined ? readPlay(polled.value, parsed) : undefined;
  useEffect(() => {
    if (play?.version !== undefined && play.version !== version) setVersion(play.version);
  }, [play?.version]);
  return (
    <div class="execution-page" data-execution={execution} data-status={play?.status ?? ''}>
      <h1>
        <a href="#/">{project}</a> / <a href={hrefOf(project, task)}>{task}</a> / {execution}
      </h1>
      <Problem error={polled.error ?? taskError} />
      {play && (
        <div class="summary">
          <span class={`status status-${play.status}`}>{play.status}</span> started by {play.startedBy}, {when(play.startDate)}, {play.running ? 'running for' : 'took'}{' '}
          {duration(play.startDate, play.stopDate)}
          {play.version !== undefined && <> · task version {play.version}</>}
          {play.resumes && (
            <>
              {' '}
              · <a href={hrefOf(project, task, play.resumes)}>the execution it resumes</a>
            </>
          )}
          {play.handedOverFrom && (
            <>
              {' '}
              · <a class="handed-over-from" href={hrefOf(project, task, play.handedOverFrom)}>handed over from the execution before</a>
            </>
          )}
          {play.handedOverTo && (
            <div class="handed-over-to">
              This execution played its part of the task and handed over to{' '}
              <a href={hrefOf(project, task, play.handedOverTo)}>{play.handedOverTo}</a>, where the task goes on (one execution's
              history could not hold it all).
            </div>
          )}
          {play.error && (
            <div class="execution-error">
              <strong>{play.error}</strong>
              {play.cause ? `: ${play.cause}` : ''}
            </div>
          )}
          {play.historyTruncated && <p class="muted">The history is longer than the API reads: the moves below are its beginning.</p>}
          {play.leftOut && play.leftOut.length > 0 && (
            <p class="muted left-out">The execution is too large for one answer: the moves' {play.leftOut.join('s and ')}s are left out (the Step Functions console shows them).</p>
          )}
          <Actions project={project} task={task} play={play} reload={polled.reload} />
        </div>
      )}
      <div class="columns">
        <Section title="Picture" id="picture">
          {picture && play ? <Picture picture={picture} plays={play.henchmen} /> : <p class="muted">Laying out…</p>}
          <Legend />
        </Section>
        <Section title="Moves, in order" id="moves">
          {play && <Moves play={play} />}
          {play?.params && (
            <>
              <h3>Params</h3>
              <Json value={play.params} />
            </>
          )}
        </Section>
      </div>
    </div>
  );
}

function Legend() {
  return (
    <p class="legend">
      {LIGHTS.map((l) => (
        <span key={l} class={`chip light-${l}`}>
          {l}
        </span>
      ))}{' '}
      <span class="chip">↩N retreated N times</span>
    </p>
  );
}

function App({ config }: { config: DashboardConfig }) {
  const route = useRoute();
  return (
    <>
      <header>
        <a href="#/" class="brand">
          Mastermind
        </a>
        <span class="muted">
          {config.mode === 'local' ? 'local mode' : 'deployed API'}: {config.api}
        </span>
      </header>
      <main>
        {route.page === 'home' && <Home config={config} />}
        {route.page === 'task' && <TaskPage key={`${route.project}/${route.task}`} project={route.project} task={route.task} config={config} />}
        {route.page === 'execution' && <ExecutionPage key={route.execution} project={route.project} task={route.task} execution={route.execution} />}
      </main>
    </>
  );
}

/** Starts the page in `root`. */
export async function start(root: HTMLElement): Promise<void> {
  let config: DashboardConfig;
  try {
    config = await call<DashboardConfig>('GET', '/dashboard/config.json');
  } catch (error) {
    root.textContent = `The dashboard cannot start: ${(error as Error).message}`;
    return;
  }
  root.textContent = '';
  render(<App config={config} />, root);
}
