import { warekiDate } from '#libs/calendar';

/** One rendered message, the same text for every channel. */
export interface Message {
  kind: string;
  subject: string;
  body: string;
  link: string | null;
}

export const DEADLINE_KIND_LABELS: Record<string, string> = {
  inquiry_reply: '全庁照会の回答',
  meeting_preparation: '会議の準備',
  progress_report: '進捗状況の報告',
};

export interface ReminderFacts {
  deadlineKind: string;
  title: string;
  unitName: string;
  dueDate: string;
  /** Working days from today to the due date: positive before, 0 on the day, negative after. */
  workingDaysLeft: number;
  step: string;
  link: string;
}

/** Japanese reminder and escalation texts, with the due date in 和暦 and the working days left. */
export function reminderMessage(f: ReminderFacts): Message {
  const kind = DEADLINE_KIND_LABELS[f.deadlineKind] ?? f.deadlineKind;
  const due = warekiDate(f.dueDate).label;
  if (f.step.startsWith('escalate:')) {
    const late = Math.abs(f.workingDaysLeft);
    return {
      kind: 'deadline.escalation',
      subject: `【督促】${kind}：${f.title}（${f.unitName}）期限を${late}営業日過ぎています`,
      body: [
        `${f.unitName} 各位`,
        '',
        `「${f.title}」の${kind}の期限（${due}）を${late}営業日過ぎていますが、まだ完了していません。`,
        '至急ご対応ください。すでに対応済みの場合は、その旨を事務局へお知らせください。',
        '',
        f.link,
      ].join('\n'),
      link: f.link,
    };
  }
  const when = f.workingDaysLeft <= 0 ? '本日が期限です' : `あと${f.workingDaysLeft}営業日`;
  return {
    kind: 'deadline.reminder',
    subject: `【${kind}】${f.title} 期限のお知らせ（${due}・${when}）`,
    body: [
      `${f.unitName} ご担当者様`,
      '',
      `「${f.title}」の${kind}の期限は ${due} です（${when}）。`,
      f.deadlineKind === 'inquiry_reply'
        ? '取組提案を提出するか、該当がない場合は「該当なし」を登録してください。'
        : '期限までのご対応をお願いします。',
      '',
      f.link,
    ].join('\n'),
    link: f.link,
  };
}

export interface TransitionFacts {
  effect: string;
  action: string;
  title: string;
  fromLabel: string;
  toLabel: string;
  unitName: string;
  comment: string | null;
  actor: string;
  link: string;
}

const ACTION_LABELS: Record<string, string> = {
  submit: '提出',
  approve: '承認',
  return: '差戻し',
  reject: '不採択',
  withdraw: '取下げ',
  merge: '統合',
  report: '市議会報告',
  open: '照会開始',
  close: '締切',
  cancel: '中止',
  confirm: '確認',
};

/** A workflow step told to the people it concerns. */
export function transitionMessage(f: TransitionFacts): Message {
  const action = ACTION_LABELS[f.action] ?? f.action;
  const lead =
    f.effect === 'notifyReviewers'
      ? '審議をお願いします'
      : f.effect === 'notifyApprovers'
        ? '承認をお願いします'
        : f.effect === 'notifySecretariat'
          ? '事務局で確認してください'
          : 'お知らせします';
  return {
    kind: `workflow.${f.action}`,
    subject: `【${action}】「${f.title}」（${f.unitName}）：${f.fromLabel} → ${f.toLabel}`,
    body: [
      `「${f.title}」（${f.unitName}）が ${f.actor} により${action}され、${f.toLabel}になりました。${lead}。`,
      ...(f.comment ? ['', `コメント：${f.comment}`] : []),
      '',
      f.link,
    ].join('\n'),
    link: f.link,
  };
}

export interface RepresentedFacts {
  title: string;
  unitName: string;
  /** The deputy who decided. */
  actor: string;
  actionLabel: string;
  toLabel: string;
  link: string;
}

/** 代決の後閲: the absent person learns what their deputy decided for them. */
export function representedMessage(f: RepresentedFacts): Message {
  return {
    kind: 'workflow.represented',
    subject: `【代決】${f.title}：${f.actor} さんが代わりに「${f.actionLabel}」しました`,
    body: [
      `「${f.title}」（${f.unitName}）について、不在の間に ${f.actor} さんが代決で「${f.actionLabel}」しました（現在: ${f.toLabel}）。`,
      '内容をご確認のうえ、後閲一覧で確認済みにしてください。',
      '',
      f.link,
    ].join('\n'),
    link: f.link,
  };
}
