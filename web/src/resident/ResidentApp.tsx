// The resident's pages (H5, mobile first, no login): place a need, keep the tracking code and
// secret, follow the order (status, timeline, the unit's opinion and result, deadlines), rate it,
// urge or withdraw it where the rules allow. Plain React and CSS: no component library, so the
// page is small enough for a slow phone.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/errors';
import { EVENT, label, RATING, STATUS } from '../lib/labels';
import { contentError, emailError, MAX_CONTENT_LENGTH, mobileError, normaliseMobile, normaliseTrackingCode, trackingCodeError } from '../lib/validate';
import { attachment, categories, place, rate, residentAction, secrets, track, type Accepted, type PublicCategory, type Tracked } from './api';
import { asError, Field, Page, Problem } from './parts';
import { ProposalList, ProposalNew } from './Proposals';
import { navigate, useLocationPath } from './router';

function Home() {
  return (
    <Page title="群众点单">
      <p className="lead">有困难、有需求，群团组织来帮您。提交后凭查询码和密码随时查看办理进度。</p>
      <nav className="tiles" aria-label="服务">
        <a className="tile primary" href="/h5/place" onClick={(e) => { e.preventDefault(); navigate('/h5/place'); }}>
          我要点单<small>提交诉求</small>
        </a>
        <a className="tile" href="/h5/track" onClick={(e) => { e.preventDefault(); navigate('/h5/track'); }}>
          查询进度<small>查看、评价、催办</small>
        </a>
        <a className="tile" href="/h5/proposals" onClick={(e) => { e.preventDefault(); navigate('/h5/proposals'); }}>
          年度征集<small>提议、附议今年办的实事</small>
        </a>
        <a className="tile" href="/board">
          回首望<small>公开办理情况</small>
        </a>
      </nav>
    </Page>
  );
}

function Place() {
  const [list, setList] = useState<PublicCategory[] | null>(null);
  const [content, setContent] = useState('');
  const [category, setCategory] = useState('');
  const [address, setAddress] = useState('');
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  /** With both a mobile and an e-mail address, the resident picks where the notices go. */
  const [notifyBy, setNotifyBy] = useState<'sms' | 'email'>('sms');
  const [photos, setPhotos] = useState<File[]>([]);
  const [coords, setCoords] = useState<{ lat: number; lng: number } | null>(null);
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per filled-in form: a retry after a dropped connection is the same order.
  const key = useRef(crypto.randomUUID());
  useEffect(() => {
    categories().then(setList, () => setList([]));
  }, []);
  const problems = { content: contentError(content), phone: mobileError(phone), email: emailError(email) };
  const show = (f: keyof typeof problems) => (touched[f] ? problems[f] : undefined);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched({ content: true, phone: true, email: true });
    if (problems.content || problems.phone || problems.email) {
      document.querySelector<HTMLElement>('.field.invalid textarea, .field.invalid input')?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const form = new FormData();
    form.set('content', content.trim());
    form.set('channel', 'web');
    if (category) form.set('categoryCode', category);
    if (address.trim()) form.set('location[address]', address.trim());
    if (coords) {
      form.set('location[lat]', String(coords.lat));
      form.set('location[lng]', String(coords.lng));
    }
    if (name.trim()) form.set('contact[name]', name.trim());
    if (phone.trim()) form.set('contact[phone]', normaliseMobile(phone));
    if (email.trim()) form.set('contact[email]', email.trim());
    if (phone.trim() && email.trim()) form.set('contact[notifyBy]', notifyBy);
    for (const photo of photos) form.append('files', photo);
    try {
      const placed = await place(form, key.current);
      secrets.set(placed.trackingCode ?? '', placed.secret ?? '');
      sessionStorage.setItem('diandan.placed', JSON.stringify(placed));
      navigate('/h5/placed');
    } catch (err) {
      setError(asError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title="我要点单" back>
      <form onSubmit={submit} noValidate>
        <Field id="category" label="服务类别（可选）">
          <select id="category" value={category} onChange={(e) => setCategory(e.target.value)} disabled={list === null}>
            <option value="">{list === null ? '加载中…' : '不确定 / 其他'}</option>
            {list?.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="content" label="您的诉求（必填）" error={show('content')} hint={`${content.trim().length} / ${MAX_CONTENT_LENGTH} 字`}>
          <textarea id="content" rows={5} value={content} required aria-invalid={!!show('content')} aria-describedby={show('content') ? 'content-error' : 'content-hint'}
            placeholder="请说明需要什么帮助，越具体越好" onChange={(e) => setContent(e.target.value)} onBlur={() => setTouched({ ...touched, content: true })} />
        </Field>
        <Field id="address" label="地点（可选）">
          <input id="address" value={address} onChange={(e) => setAddress(e.target.value)} placeholder="如：建新北路 12 号" autoComplete="street-address" />
          <button type="button" className="link" onClick={() => navigator.geolocation?.getCurrentPosition((p) => setCoords({ lat: p.coords.latitude, lng: p.coords.longitude }), () => setCoords(null))}>
            {coords ? `已定位 ${coords.lat.toFixed(4)}, ${coords.lng.toFixed(4)}` : '使用当前位置'}
          </button>
        </Field>
        <Field id="photos" label="照片（可选，最多 5 张）">
          {/* The browser's own file button speaks the browser's language ("Choose Files"): it is
              hidden (still focusable) and a Chinese button opens it; chosen photos add up. */}
          <input id="photos" className="visually-hidden" type="file" accept="image/*" multiple
            onChange={(e) => {
              const picked = Array.from(e.target.files ?? []);
              setPhotos((before) => [...before, ...picked].slice(0, 5));
              e.target.value = '';
            }} />
          <label htmlFor="photos" className="pick" aria-hidden="true">＋ {photos.length === 0 ? '添加照片' : '继续添加'}</label>
          {photos.length === 0 ? (
            <span className="hint">未选择照片</span>
          ) : (
            <ul className="photos" aria-label="已选照片">
              {photos.map((photo, index) => (
                <li key={`${photo.name}-${index}`}>
                  <span>{photo.name}</span>
                  <button type="button" className="link" onClick={() => setPhotos((before) => before.filter((_, i) => i !== index))}>
                    移除<span className="visually-hidden">{photo.name}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </Field>
        <fieldset>
          <legend>联系方式（可选，便于回访）</legend>
          <Field id="name" label="称呼">
            <input id="name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
          </Field>
          <Field id="phone" label="手机号" error={show('phone')}>
            <input id="phone" inputMode="tel" value={phone} aria-invalid={!!show('phone')} aria-describedby={show('phone') ? 'phone-error' : undefined}
              onChange={(e) => setPhone(e.target.value)} onBlur={() => setTouched({ ...touched, phone: true })} autoComplete="tel" />
          </Field>
          <Field id="email" label="邮箱" error={show('email')}>
            <input id="email" type="email" value={email} aria-invalid={!!show('email')} onChange={(e) => setEmail(e.target.value)} onBlur={() => setTouched({ ...touched, email: true })} autoComplete="email" />
          </Field>
          {phone.trim() && email.trim() && (
            <Field id="notifyBy" label="办理进度通知发到">
              <select id="notifyBy" value={notifyBy} onChange={(e) => setNotifyBy(e.target.value === 'email' ? 'email' : 'sms')}>
                <option value="sms">手机短信</option>
                <option value="email">邮箱</option>
              </select>
            </Field>
          )}
        </fieldset>
        <Problem error={error} />
        <button className="primary" type="submit" disabled={busy}>
          {busy ? '提交中…' : '提交'}
        </button>
      </form>
    </Page>
  );
}

function Placed() {
  const placed = JSON.parse(sessionStorage.getItem('diandan.placed') ?? 'null') as Accepted | null;
  if (!placed) return <Home />;
  return (
    <Page title="提交成功" back>
      <div className="card success" role="status">
        <p>您的诉求已受理。请记下查询码和密码，用于查看进度和评价：</p>
        <dl className="codes">
          <dt>查询码</dt>
          <dd data-testid="tracking-code">{placed.trackingCode}</dd>
          <dt>密码</dt>
          <dd data-testid="secret">{placed.secret}</dd>
        </dl>
        <p className="hint">密码只显示这一次，请截图或抄下。</p>
      </div>
      <button className="primary" type="button" onClick={() => navigate(`/h5/track/${placed.trackingCode}`)}>
        查看办理进度
      </button>
    </Page>
  );
}

function TrackForm() {
  const [code, setCode] = useState('');
  const [secret, setSecret] = useState('');
  const [touched, setTouched] = useState(false);
  const problem = touched ? trackingCodeError(code) : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    const canonical = normaliseTrackingCode(code);
    if (!canonical || !secret.trim()) return;
    secrets.set(canonical, secret.trim());
    navigate(`/h5/track/${canonical}`);
  };
  return (
    <Page title="查询进度" back>
      <form onSubmit={submit} noValidate>
        <Field id="code" label="查询码" error={problem}>
          <input id="code" value={code} autoCapitalize="characters" placeholder="DD-XXXX-XXXX" aria-invalid={!!problem} onChange={(e) => setCode(e.target.value)} onBlur={() => setTouched(true)} />
        </Field>
        <Field id="secret" label="密码" error={touched && !secret.trim() ? '请输入提交时给您的密码' : undefined}>
          <input id="secret" value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="off" />
        </Field>
        <button className="primary" type="submit">
          查询
        </button>
      </form>
    </Page>
  );
}

const ACTIVE = ['placed', 'dispatched', 'accepted', 'in_progress'];

function Tracking({ code }: { code: string }) {
  const secret = secrets.get(code);
  const [order, setOrder] = useState<Tracked | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const load = () =>
    track(code, secret).then(
      (o) => {
        setOrder(o);
        setError(null);
      },
      (e) => setError(asError(e)),
    );
  useEffect(() => {
    if (secret) void load();
  }, [code]);
  if (!secret) return <TrackForm />;
  return (
    <Page title="办理进度" back>
      {error && (
        <>
          <Problem error={error} />
          <button type="button" onClick={() => void load()}>重试</button>
        </>
      )}
      {!order && !error && <p className="loading" aria-busy="true">加载中…</p>}
      {order && (
        <>
          <section className="card" aria-label="工单">
            <div className="row">
              <span className="code">{order.trackingCode}</span>
              <span className={`status s-${order.status}`} data-testid="resident-status">{label(STATUS, order.status)}</span>
            </div>
            <p className="content">{order.content}</p>
            {order.unit?.name && <p className="meta">承办单位：{order.unit.name}</p>}
            {order.deadline?.dueAt && ACTIVE.includes(order.status) && (
              <p className={`meta${order.deadline.overdue ? ' late' : ''}`}>办理期限：{new Date(order.deadline.dueAt).toLocaleString('zh-CN')}{order.deadline.overdue ? '（已超时）' : ''}</p>
            )}
          </section>
          {(order.opinion?.text || order.result?.text) && (
            <section className="card" aria-label="办理情况">
              {order.opinion?.text && (<><h2>初步意见{order.opinion.unitName ? `（${order.opinion.unitName}）` : ''}</h2><p data-testid="resident-opinion">{order.opinion.text}</p></>)}
              {order.result?.text && (<><h2>办理结果{order.result.unitName ? `（${order.result.unitName}）` : ''}</h2><p data-testid="resident-result">{order.result.text}</p>{order.result.photos && order.result.photos.length > 0 && <ResultPhotos code={code} secret={secret} photos={order.result.photos} />}</>)}
            </section>
          )}
          {notice && <div className="card success" role="status">{notice}</div>}
          {order.actions.rate && <RateForm code={code} secret={secret} deadline={order.ratingDeadline} done={(m) => { setNotice(m); void load(); }} />}
          {order.rating && <p className="meta">您的评价：{label(RATING, order.rating)}</p>}
          <ResidentActions order={order} code={code} secret={secret} done={(m) => { setNotice(m); void load(); }} />
          <section className="card" aria-label="处理过程">
            <h2>处理过程</h2>
            <ol className="timeline">
              {order.timeline.map((e) => (
                <li key={e.seq}>
                  <b>{e.title || label(EVENT, e.type)}</b>
                  {e.text && <span>{e.text}</span>}
                  <time dateTime={e.at}>{new Date(e.at).toLocaleString('zh-CN')}</time>
                </li>
              ))}
            </ol>
          </section>
        </>
      )}
    </Page>
  );
}

type Photo = NonNullable<NonNullable<Tracked['result']>['photos']>[number];

/**
 * The unit's result photos: fetched with the secret in a header (an <img src> cannot send one),
 * shown as thumbnails that open full size; a PDF is a link. Object URLs are released on leaving.
 */
function ResultPhotos({ code, secret, photos }: { code: string; secret: string; photos: readonly Photo[] }) {
  const [urls, setUrls] = useState<Record<string, string>>({});
  const [failed, setFailed] = useState(false);
  const ids = photos.map((p) => p.id).join(',');
  useEffect(() => {
    let live = true;
    const made: string[] = [];
    void Promise.all(
      photos.map(async (p) => {
        const url = URL.createObjectURL(await attachment(code, secret, p.id));
        made.push(url);
        if (live) setUrls((u) => ({ ...u, [p.id]: url }));
      }),
    ).catch(() => live && setFailed(true));
    return () => {
      live = false;
      made.forEach((url) => URL.revokeObjectURL(url));
    };
    // `ids` stands for the list: a new tracking answer with the same photos keeps them.
  }, [code, secret, ids]);
  return (
    <>
      <ul className="result-photos" aria-label="办理结果照片">
        {photos.map((p) => (
          <li key={p.id}>
            {!urls[p.id] ? (
              <span className="meta">{p.fileName}</span>
            ) : p.contentType.startsWith('image/') ? (
              <a href={urls[p.id]} target="_blank" rel="noreferrer"><img src={urls[p.id]} alt={p.fileName} data-testid="resident-result-photo" /></a>
            ) : (
              <a href={urls[p.id]} download={p.fileName}>{p.fileName}</a>
            )}
          </li>
        ))}
      </ul>
      {failed && <p className="meta">照片暂时无法显示，请稍后刷新。</p>}
    </>
  );
}

function RateForm({ code, secret, deadline, done }: { code: string; secret: string; deadline: string | null; done: (message: string) => void }) {
  const [rating, setRating] = useState<'' | 'satisfied' | 'basically_satisfied' | 'dissatisfied'>('');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!rating) return;
    setBusy(true);
    setError(null);
    try {
      if (!rating) return;
      const outcome = await rate(code, secret, rating, comment);
      done(outcome.reopened ? '感谢评价。您不满意，工单已交上一级重新办理。' : '感谢您的评价！');
    } catch (err) {
      setError(asError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-label="评价">
      <h2>请评价办理结果</h2>
      {deadline && <p className="meta">请在 {new Date(deadline).toLocaleString('zh-CN')} 前评价，逾期未评价的工单将办结，并可能接受回访。</p>}
      <div className="choices" role="radiogroup" aria-label="评价">
        {Object.keys(RATING).map((r) => (
          <label key={r} className={rating === r ? 'chosen' : ''}>
            <input type="radio" name="rating" value={r} checked={rating === r} onChange={() => setRating(r as typeof rating)} />
            {label(RATING, r)}
          </label>
        ))}
      </div>
      <div className="field">
        <label htmlFor="comment">意见（可选）</label>
        <textarea id="comment" rows={3} maxLength={1000} value={comment} onChange={(e) => setComment(e.target.value)} />
      </div>
      <Problem error={error} />
      <button className="primary" type="submit" disabled={!rating || busy}>
        提交评价
      </button>
    </form>
  );
}

function ResidentActions({ order, code, secret, done }: { order: Tracked; code: string; secret: string; done: (message: string) => void }) {
  const [error, setError] = useState<ApiError | null>(null);
  const [reason, setReason] = useState('');
  const canUrge = order.actions.urge && !order.urged;
  const canWithdraw = order.actions.withdraw;
  if (!canUrge && !canWithdraw && !order.urged) return null;
  const act = async (action: 'urge' | 'withdraw') => {
    if (action === 'withdraw' && !window.confirm('确定撤回这张工单吗？撤回后不再办理。')) return;
    setError(null);
    try {
      await residentAction(code, secret, action, reason);
      setReason('');
      done(action === 'urge' ? '已催办，承办单位会尽快处理。' : '工单已撤回。');
    } catch (err) {
      setError(asError(err));
    }
  };
  return (
    <section className="card" aria-label="催办或撤回">
      <div className="field">
        <label htmlFor="reason">说明（可选）</label>
        <input id="reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
      </div>
      <Problem error={error} />
      {order.urged && <p className="meta">本阶段已催办过。</p>}
      <div className="row">
        {canUrge && <button type="button" onClick={() => void act('urge')}>催办</button>}
        {canWithdraw && <button type="button" className="danger" onClick={() => void act('withdraw')}>撤回</button>}
      </div>
    </section>
  );
}

export function ResidentApp() {
  const path = useLocationPath().replace(/\/+$/, '');
  if (path === '/h5/place') return <Place />;
  if (path === '/h5/placed') return <Placed />;
  if (path === '/h5/track') return <TrackForm />;
  if (path === '/h5/proposals') return <ProposalList />;
  if (path === '/h5/proposals/new') return <ProposalNew />;
  const match = /^\/h5\/track\/([^/]+)$/.exec(path);
  if (match) return <Tracking code={normaliseTrackingCode(decodeURIComponent(match[1] ?? '')) ?? decodeURIComponent(match[1] ?? '')} />;
  return <Home />;
}
