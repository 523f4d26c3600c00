// 年度征集 for residents (docs/annual-cycle.md): the proposals open in this year's public
// solicitation, most supported first, each with 附议 (support) proven by a six-digit code sent to
// the resident's e-mail or, where intake has an SMS sender, by SMS to a mobile number (one code
// serves several supports for ten minutes; a second support by the same person counts nothing);
// and the form to make a proposal (category, area, text). What is shown is scrubbed by intake;
// the address or number is sent to intake only, never shown.
import { Fragment, useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/errors';
import { contentError, emailError, MAX_CONTENT_LENGTH, mobileError } from '../lib/validate';
import { categories, currentCycle, openProposals, propose, support, supportCode, type CodeKind, type CurrentCycle, type PublicCategory, type PublicProposal } from './api';
import { asError, Field, Page, Problem } from './parts';
import { navigate } from './router';

const day = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);

/** Each mass organisation runs its own year: `?org=youth-league` picks its cycle (default: the federation's). */
const organisation = () => new URLSearchParams(location.search).get('org') ?? undefined;
const withOrg = (path: string) => (organisation() ? `${path}?org=${encodeURIComponent(organisation()!)}` : path);

function useCycle() {
  const [cycle, setCycle] = useState<CurrentCycle | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    currentCycle(organisation()).then(setCycle, (e) => setError(asError(e)));
  }, []);
  return { cycle, error };
}

/** Who supports: the e-mail address or mobile number and, once it came, the code (kept for this page only). */
interface Proof {
  kind: CodeKind;
  value: string;
  code: string;
}

const KIND_TEXT: Record<CodeKind, { label: string; name: string; type: string; autoComplete: string; missing: string; where: string; problem: (v: string) => string | undefined }> = {
  email: { label: '邮箱（用于接收验证码，不会公开）', name: '通过邮箱', type: 'email', autoComplete: 'email', missing: '请输入邮箱', where: '邮件', problem: (v) => emailError(v) },
  phone: { label: '手机号码（用于接收短信验证码，不会公开）', name: '通过手机短信', type: 'tel', autoComplete: 'tel', missing: '请输入手机号码', where: '短信', problem: (v) => mobileError(v) },
};

export function ProposalList() {
  const { cycle, error } = useCycle();
  const [list, setList] = useState<PublicProposal[] | null>(null);
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const [proof, setProof] = useState<Proof | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const load = (cycleId: string) => openProposals(cycleId).then(setList, (e) => setLoadError(asError(e)));
  useEffect(() => {
    if (cycle) void load(cycle.id);
  }, [cycle]);
  useEffect(() => {
    categories().then((c) => setNames(new Map(c.map((x) => [x.code, x.name]))), () => undefined);
  }, []);
  const areaName = (id: string | null) => (id ? (cycle?.areas.find((a) => a.id === id)?.name ?? '') : '');
  return (
    <Page title="年度征集" back>
      <Problem error={error ?? loadError} />
      {!cycle && !error && <p className="loading" aria-busy="true">加载中…</p>}
      {cycle && (
        <>
          <section className="card" aria-label="征集说明">
            <h2>{cycle.year} 年 · {cycle.organisationName}</h2>
            <p className="meta" data-testid="cycle-phase">
              当前阶段：{cycle.phaseName}
              {cycle.takesProposals && `（征集至 ${day(cycle.selectionStartsAt)}）`}
            </p>
            <p className="lead">
              {cycle.takesProposals
                ? '提出您希望今年办的实事，或为别人的提议附议。联席会议按附议人数和需求审议，采纳的纳入年度服务清单，不采纳的公开说明理由。'
                : '本年度的公开征集已结束，审议结果和服务清单见“回首望 · 年度公示”。'}
            </p>
            <div className="row">
              {cycle.takesProposals && (
                <button type="button" className="primary" onClick={() => navigate(withOrg('/h5/proposals/new'))}>
                  我要提议
                </button>
              )}
            </div>
            <p className="meta">
              <a href={`/board/cycles/${cycle.id}`}>查看年度公示</a>
            </p>
          </section>
          {list === null && !loadError && <p className="loading" aria-busy="true">加载中…</p>}
          {list?.length === 0 && <p className="meta">还没有提议，欢迎您提出第一条。</p>}
          {list?.map((p) => (
            <section className="card" key={p.reference} aria-label={p.title} data-testid="proposal">
              <div className="row">
                <span className="code">{p.reference}</span>
                <span className="status" data-testid="support-count">{p.supportCount} 人附议</span>
              </div>
              <h2>{p.title}</h2>
              <p className="content">{p.content}</p>
              <p className="meta">
                {[p.categoryCode ? names.get(p.categoryCode) : '', areaName(p.areaId), `提出于 ${day(p.createdAt)}`]
                  .filter(Boolean)
                  .map((part, i) => (
                    // The separator stays outside the unbreakable part: a 375 px phone breaks the line there.
                    <Fragment key={i}>
                      {i > 0 ? ' · ' : ''}
                      <span className="nowrap">{part}</span>
                    </Fragment>
                  ))}
              </p>
              {cycle.takesSupports && cycle.supportCodeKinds.length > 0 &&
                (open === p.reference ? (
                  <Support
                    proposal={p}
                    kinds={cycle.supportCodeKinds}
                    proof={proof}
                    onProof={setProof}
                    onDone={(count) => {
                      setList((before) => before?.map((x) => (x.reference === p.reference ? { ...x, supportCount: count } : x)) ?? null);
                    }}
                  />
                ) : (
                  <button type="button" onClick={() => setOpen(p.reference)}>
                    附议
                  </button>
                ))}
            </section>
          ))}
        </>
      )}
    </Page>
  );
}

/** 附议: the e-mail address or mobile number, a code sent to it, then the support; the same code serves the next ones. */
function Support({ proposal, kinds, proof, onProof, onDone }: { proposal: PublicProposal; kinds: readonly CodeKind[]; proof: Proof | null; onProof: (p: Proof | null) => void; onDone: (count: number) => void }) {
  const [kind, setKind] = useState<CodeKind>(proof?.kind ?? kinds[0] ?? 'email');
  const [value, setValue] = useState(proof?.value ?? '');
  const [code, setCode] = useState(proof?.code ?? '');
  const [sent, setSent] = useState(proof !== null);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const id = proposal.reference;
  const text = KIND_TEXT[kind];
  const valueProblem = touched ? (value.trim() ? text.problem(value) : text.missing) : undefined;
  const choose = (next: CodeKind) => {
    setKind(next);
    setValue('');
    setCode('');
    setSent(false);
    setTouched(false);
    setError(null);
  };
  const send = async () => {
    setTouched(true);
    if (!value.trim() || text.problem(value)) return;
    setBusy(true);
    setError(null);
    try {
      await supportCode(kind, value.trim());
      setSent(true);
    } catch (e) {
      setError(asError(e));
    } finally {
      setBusy(false);
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!/^\d{6}$/.test(code.trim())) return setError(new ApiError(400, 'invalid_request', `请输入${text.where}中的 6 位验证码`));
    setBusy(true);
    setError(null);
    try {
      const answer = await support(id, { kind, value: value.trim() }, code.trim());
      onProof({ kind, value: value.trim(), code: code.trim() });
      onDone(answer.supportCount);
      setResult(answer.repeated ? `您已附议过这条提议，目前共 ${answer.supportCount} 人附议。` : `附议成功，目前共 ${answer.supportCount} 人附议。`);
    } catch (err) {
      const problem = asError(err);
      if (problem.code === 'code_invalid') onProof(null);
      setError(problem);
    } finally {
      setBusy(false);
    }
  };
  if (result) return <p className="card success" role="status">{result}</p>;
  return (
    <form onSubmit={submit} noValidate aria-label="附议">
      {kinds.length > 1 && (
        <fieldset className="row" aria-label="验证方式">
          {kinds.map((k) => (
            <label key={k} className="nowrap">
              <input type="radio" name={`kind-${id}`} value={k} checked={kind === k} onChange={() => choose(k)} /> {KIND_TEXT[k].name}
            </label>
          ))}
        </fieldset>
      )}
      <Field id={`${kind}-${id}`} label={text.label} error={valueProblem}>
        <div className="row">
          <input id={`${kind}-${id}`} type={text.type} value={value} autoComplete={text.autoComplete} inputMode={kind === 'phone' ? 'tel' : undefined} aria-invalid={!!valueProblem} onChange={(e) => setValue(e.target.value)} onBlur={() => setTouched(true)} />
          <button type="button" onClick={() => void send()} disabled={busy}>
            {sent ? '重新发送' : '获取验证码'}
          </button>
        </div>
      </Field>
      {sent && (
        <Field id={`code-${id}`} label="验证码" hint={`已${kind === 'phone' ? '通过短信发送到您的手机' : '发送到您的邮箱'}，10 分钟内有效，可连续附议多条`}>
          <input id={`code-${id}`} inputMode="numeric" maxLength={6} value={code} autoComplete="one-time-code" onChange={(e) => setCode(e.target.value)} />
        </Field>
      )}
      <Problem error={error} />
      {sent && (
        <button className="primary" type="submit" disabled={busy}>
          {busy ? '提交中…' : '确认附议'}
        </button>
      )}
    </form>
  );
}

export function ProposalNew() {
  const { cycle, error } = useCycle();
  const [list, setList] = useState<PublicCategory[] | null>(null);
  const [title, setTitle] = useState('');
  const [content, setContent] = useState('');
  const [category, setCategory] = useState('');
  const [area, setArea] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [placed, setPlaced] = useState<string | null>(null);
  // One key per filled-in form: a retry after a dropped connection is the same proposal.
  const key = useRef(crypto.randomUUID());
  useEffect(() => {
    categories().then(setList, () => setList([]));
  }, []);
  const problems = { title: title.trim() ? (title.trim().length > 200 ? '最多 200 字' : undefined) : '必填', content: contentError(content) };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (problems.title || problems.content) return;
    setBusy(true);
    setProblem(null);
    try {
      const answer = await propose({ ...(organisation() ? { organisationId: organisation() } : {}), title: title.trim(), content: content.trim(), ...(category ? { categoryCode: category } : {}), ...(area ? { areaId: area } : {}) }, key.current);
      setPlaced(answer.reference);
    } catch (err) {
      setProblem(asError(err));
    } finally {
      setBusy(false);
    }
  };
  if (placed) {
    return (
      <Page title="提议已提交" back backTo={withOrg('/h5/proposals')}>
        <div className="card success" role="status">
          <p>感谢您的提议！编号：</p>
          <p className="code" data-testid="proposal-reference">{placed}</p>
          <p className="hint">其他居民可以为它附议。联席会议审议后，结果和理由会在“年度公示”中公开。</p>
        </div>
        <button className="primary" type="button" onClick={() => navigate(withOrg('/h5/proposals'))}>
          查看全部提议
        </button>
      </Page>
    );
  }
  return (
    <Page title="我要提议" back backTo={withOrg('/h5/proposals')}>
      <Problem error={error} />
      {cycle && !cycle.takesProposals && <p className="card">本年度的公开征集已结束（当前阶段：{cycle.phaseName}）。</p>}
      {cycle?.takesProposals && (
        <form onSubmit={submit} noValidate>
          <Field id="p-title" label="提议标题（必填）" error={touched ? problems.title : undefined}>
            <input id="p-title" value={title} maxLength={200} placeholder="如：社区开设四点半课堂" onChange={(e) => setTitle(e.target.value)} />
          </Field>
          <Field id="p-category" label="类别（可选）">
            <select id="p-category" value={category} onChange={(e) => setCategory(e.target.value)} disabled={list === null}>
              <option value="">{list === null ? '加载中…' : '不确定 / 其他'}</option>
              {list?.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id="p-area" label="涉及的街道或社区（可选）">
            <select id="p-area" value={area} onChange={(e) => setArea(e.target.value)}>
              <option value="">全区 / 不确定</option>
              {cycle.areas.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id="p-content" label="具体内容（必填）" error={touched ? problems.content : undefined} hint={`${content.trim().length} / ${MAX_CONTENT_LENGTH} 字；请勿填写姓名、电话等个人信息，提议会公开`}>
            <textarea id="p-content" rows={6} value={content} placeholder="希望办什么、为什么、惠及哪些群众" onChange={(e) => setContent(e.target.value)} />
          </Field>
          <Problem error={problem} />
          <button className="primary" type="submit" disabled={busy}>
            {busy ? '提交中…' : '提交提议'}
          </button>
        </form>
      )}
    </Page>
  );
}
