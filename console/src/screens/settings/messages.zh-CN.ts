/** The Program settings screen's messages in Chinese (`settings.*` in the catalogue), and the error codes it shows. */
export const settingsZhCN = {
  title: '计划设置',
};

/** Error codes (problem+json `code`) this screen's actions may meet: `errors.<code>`. */
export const settingsErrorsZhCN = {};
