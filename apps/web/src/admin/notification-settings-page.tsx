import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { answer, api } from '../api/client';
import type { components } from '../api/schema';
import { fieldError } from '../api/problem';
import { Button } from '../ui/button';
import { TextField } from '../ui/field';
import { Loaded, PageTitle, Section } from '../ui/page';
import { Notice, ProblemAlert } from '../ui/problem';
import { useAction } from '../workflows/use-action';

type Settings = components['schemas']['NotificationSettingsResponse'];

const KEY = ['me', 'notification-settings'];

function Check({
  label,
  hint,
  checked,
  onChange,
}: {
  label: string;
  hint?: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <label className="flex items-start gap-3 text-std-16N-170">
      <input
        type="checkbox"
        className="mt-1 size-5 shrink-0 accent-blue-900 focus-visible:outline-4 focus-visible:outline-offset-2 focus-visible:outline-black"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
      />
      <span>
        <span className="block font-bold">{label}</span>
        {hint && <span className="block text-dns-16N-130 text-solid-gray-700">{hint}</span>}
      </span>
    </label>
  );
}

/** 通知設定: which channels the person's notifications and reminders go to. */
export function NotificationSettingsPage() {
  const settings = useQuery({ queryKey: KEY, queryFn: () => answer(api.GET('/api/v1/me/notification-settings')) });
  return (
    <>
      <PageTitle title="通知設定">通知設定</PageTitle>
      <Loaded query={settings}>{(s) => <SettingsForm key={JSON.stringify(s)} saved={s} />}</Loaded>
    </>
  );
}

function SettingsForm({ saved }: { saved: Settings }) {
  const [form, setForm] = useState({
    emailEnabled: saved.emailEnabled,
    inAppEnabled: saved.inAppEnabled,
    webhookEnabled: saved.webhookEnabled,
    webhookUrl: saved.webhookUrl ?? '',
  });
  const [rotate, setRotate] = useState(false);
  const [result, setResult] = useState<Settings | null>(null);
  const save = useAction(
    () =>
      answer(
        api.PUT('/api/v1/me/notification-settings', {
          body: {
            ...form,
            webhookUrl: form.webhookUrl.trim() || null,
            ...(rotate ? { rotateWebhookSecret: true } : {}),
          },
        }),
      ),
    [],
    (s) => {
      setResult(s);
      setRotate(false);
    },
  );
  return (
    <form
      className="flex flex-col gap-6"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setResult(null);
        save.mutate(undefined);
      }}
    >
      <Section title="お知らせを受け取る方法" id="channels">
        <p className="text-dns-16N-130 text-solid-gray-700">
          差戻し・承認待ち・期限の催促などのお知らせを、どこで受け取るかを選びます。
        </p>
        <Check
          label="アプリ内のお知らせ"
          hint="この画面の「お知らせ」に表示します。"
          checked={form.inAppEnabled}
          onChange={(v) => setForm({ ...form, inAppEnabled: v })}
        />
        <Check
          label="メール"
          hint="登録したメールアドレスに送ります。"
          checked={form.emailEnabled}
          onChange={(v) => setForm({ ...form, emailEnabled: v })}
        />
        <Check
          label="Webhook（チャットツールなど）"
          hint="下のURLに、署名を付けて送ります。"
          checked={form.webhookEnabled}
          onChange={(v) => setForm({ ...form, webhookEnabled: v })}
        />
        <TextField
          label="WebhookのURL"
          type="url"
          inputMode="url"
          hint="チャットツールの受信用URL（https:// で始まるもの）"
          value={form.webhookUrl}
          maxLength={2000}
          error={fieldError(save.error, 'webhookUrl')}
          onChange={(e) => setForm({ ...form, webhookUrl: e.target.value })}
        />
        {saved.hasWebhookSecret && (
          <Check
            label="署名用の秘密鍵を作り直す"
            hint="作り直すと、前の秘密鍵による署名は確かめられなくなります。"
            checked={rotate}
            onChange={setRotate}
          />
        )}
      </Section>
      <ProblemAlert error={save.error} />
      {result && (
        <Notice tone="success">
          <span className="block">通知設定を保存しました。</span>
          {result.webhookSecret && (
            <>
              <span className="block">Webhookの署名用の秘密鍵です。今だけ表示されます。受信側に設定してください。</span>
              <code className="block break-all text-dns-16N-130" aria-label="Webhookの署名用の秘密鍵">
                {result.webhookSecret}
              </code>
            </>
          )}
        </Notice>
      )}
      <div>
        <Button type="submit" disabled={save.isPending}>
          通知設定を保存
        </Button>
      </div>
    </form>
  );
}
